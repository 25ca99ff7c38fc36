using Engine.Data;

namespace Engine.Training;

/// <summary>The checks every trainer makes on its data before it trains, so bad data fails before any work is done.</summary>
internal static class DataChecks
{
    /// <summary>Throws unless <paramref name="data"/> holds at least one example.</summary>
    public static void NotEmpty(IDataset data, string method, string name)
    {
        if (data.Count == 0)
            throw new ArgumentException($"{method}: the {Describe(name)} set is empty; there is nothing to train or evaluate on.", name);
    }

    /// <summary>Throws unless <paramref name="other"/> has the features of <paramref name="train"/>.</summary>
    public static void SameFeatures(IDataset train, IDataset other, string method, string name)
    {
        if (other.Features != train.Features)
            throw new ArgumentException(
                $"{method}: {Describe(name)} rows have {other.Features} features, training rows {train.Features}.", name);
    }

    /// <summary>
    /// Throws unless every value of <paramref name="data"/> is finite: a NaN in a validation set would make every
    /// validation loss NaN, and early stopping would then read "no improvement" and stop silently.
    /// </summary>
    public static void Finite(IDataset data, string method, string name)
    {
        var row = new float[data.Features];
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyRow(i, row);
            if (NonFiniteGuard.AllFinite(row)) continue;
            int feature = Array.FindIndex(row, v => !float.IsFinite(v));
            throw new ArgumentException(
                $"{method}: {Describe(name)} example {i} holds {row[feature]} at feature {feature}; every value must be finite.", name);
        }
    }

    /// <summary>Throws unless every label of <paramref name="data"/> is a class of the model.</summary>
    public static void Labels(IDataset data, int classes, string method, string name)
    {
        for (int i = 0; i < data.Count; i++)
        {
            if ((uint)data.Label(i) >= (uint)classes)
                throw new ArgumentException(
                    $"{method}: {Describe(name)} example {i} has label {data.Label(i)}, outside [0, {classes}).", name);
        }
    }

    private static string Describe(string name) => name switch
    {
        "train" => "training",
        _ => name,
    };
}

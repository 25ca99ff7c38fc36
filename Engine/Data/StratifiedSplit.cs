namespace Engine.Data;

/// <summary>
/// Seeded, stratified splits of labelled examples: a hold-out split and k folds for cross-validation, each keeping
/// every class's share (up to rounding) in every part, as scikit-learn's StratifiedShuffleSplit and StratifiedKFold do.
/// </summary>
/// <remarks>
/// Each class's indices are shuffled with one <see cref="Random"/> seeded by <c>seed</c> (classes in ascending label
/// order), so the same labels and seed give the same split on every machine. Indices in the returned arrays are
/// sorted ascending: the split decides membership, not order.
/// </remarks>
public static class StratifiedSplit
{
    /// <summary>
    /// Splits indices 0..labels.Count−1 into a kept part and a held-out part of about <paramref name="fraction"/>
    /// of every class: round(fraction · n) of a class of n, but at least one when the class has two or more examples
    /// and none when it has one (a class is never moved whole into the held-out part).
    /// </summary>
    /// <param name="labels">Class of each example (any non-negative integers).</param>
    /// <param name="fraction">Share held out, in (0, 1).</param>
    /// <param name="seed">Seeds the shuffles.</param>
    /// <returns>The kept and the held-out indices, each sorted.</returns>
    /// <exception cref="ArgumentException">A negative label, or fraction outside (0, 1).</exception>
    public static (int[] Kept, int[] HeldOut) Holdout(IReadOnlyList<int> labels, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentException($"StratifiedSplit.Holdout: fraction must be in (0, 1), got {fraction}.", nameof(fraction));
        var kept = new List<int>();
        var heldOut = new List<int>();
        var random = new Random(seed);
        foreach (var members in ByClass(labels, "Holdout"))
        {
            random.Shuffle(members);
            int take = members.Length < 2 ? 0 : Math.Clamp((int)Math.Round(fraction * members.Length), 1, members.Length - 1);
            heldOut.AddRange(members[..take]);
            kept.AddRange(members[take..]);
        }
        return (Sorted(kept), Sorted(heldOut));
    }

    /// <summary>
    /// Deals indices 0..labels.Count−1 into <paramref name="folds"/> test folds: each class is shuffled and dealt
    /// round-robin, continuing where the previous class stopped, so fold sizes differ by at most one and every
    /// class's count differs by at most one between folds.
    /// </summary>
    /// <param name="labels">Class of each example (any non-negative integers).</param>
    /// <param name="folds">K, at least 2 and at most the number of examples.</param>
    /// <param name="seed">Seeds the shuffles.</param>
    /// <returns>The test indices of each fold, each sorted; fold k's training set is every other index.</returns>
    /// <exception cref="ArgumentException">A negative label, or K outside [2, labels.Count].</exception>
    public static int[][] KFold(IReadOnlyList<int> labels, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (folds < 2 || folds > labels.Count)
            throw new ArgumentException(
                $"StratifiedSplit.KFold: the number of folds must be between 2 and the number of examples ({labels.Count}), got {folds}.",
                nameof(folds));
        var parts = Enumerable.Range(0, folds).Select(_ => new List<int>()).ToArray();
        var random = new Random(seed);
        int next = 0;
        foreach (var members in ByClass(labels, "KFold"))
        {
            random.Shuffle(members);
            foreach (int index in members)
            {
                parts[next].Add(index);
                next = (next + 1) % folds;
            }
        }
        return parts.Select(Sorted).ToArray();
    }

    /// <summary>Every index not in <paramref name="fold"/>: the training part of a fold from <see cref="KFold"/>.</summary>
    /// <param name="count">Number of examples.</param>
    /// <param name="fold">Test indices of the fold.</param>
    /// <returns>The other indices, sorted.</returns>
    public static int[] Complement(int count, IReadOnlyCollection<int> fold)
    {
        ArgumentNullException.ThrowIfNull(fold);
        var inFold = new HashSet<int>(fold);
        return Enumerable.Range(0, count).Where(i => !inFold.Contains(i)).ToArray();
    }

    // The indices of each class, classes in ascending label order.
    private static List<int[]> ByClass(IReadOnlyList<int> labels, string op)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Count; i++)
        {
            int label = labels[i];
            if (label < 0)
                throw new ArgumentException($"StratifiedSplit.{op}: label {i} is {label}; labels must be non-negative.", nameof(labels));
            if (!groups.TryGetValue(label, out var members))
                groups[label] = members = [];
            members.Add(i);
        }
        return groups.Values.Select(m => m.ToArray()).ToList();
    }

    private static int[] Sorted(List<int> indices)
    {
        var array = indices.ToArray();
        Array.Sort(array);
        return array;
    }
}

using Engine.Data;

namespace Demo.Commands;

/// <summary>
/// The split of the "standard" KDD'99 protocol: the normal records shuffled and cut 60/20/20 into train / validation
/// / test; the attack records split in halves stratified by attack category (dos, probe, r2l, u2r), one half to
/// validation and one to test. The detector trains on the training normals; a recipe is chosen on the validation
/// normals vs the validation attacks; the test normals and test attacks are read only to report the chosen recipe.
/// </summary>
/// <param name="Seed">The seed of the shuffles: the same seed gives the same split.</param>
/// <param name="Train">Training normals.</param>
/// <param name="ValidationNormals">Validation normals (the threshold's 99th percentile comes from their scores).</param>
/// <param name="ValidationAttacks">The validation half of the attacks.</param>
/// <param name="TestNormals">Held-out normals of the test set.</param>
/// <param name="TestAttacks">The test half of the attacks.</param>
internal sealed record KddSplit(int Seed, int[] Train, int[] ValidationNormals, int[] ValidationAttacks, int[] TestNormals, int[] TestAttacks)
{
    /// <summary>
    /// The split seed of the reported protocol: fixed (not --seed, which seeds the training), so the test half that
    /// `anomaly --search` never reads is exactly the one `anomaly` reports on, whatever training seeds either uses.
    /// </summary>
    public const int DefaultSeed = 1999;

    /// <summary>Validation rows: the validation normals, then the validation attacks.</summary>
    public int[] Validation => [.. ValidationNormals, .. ValidationAttacks];

    /// <summary>Test rows: the test normals, then the test attacks.</summary>
    public int[] Test => [.. TestNormals, .. TestAttacks];

    /// <summary>Splits the records by their categories (<see cref="KddCategory.Normal"/> or an attack category).</summary>
    /// <exception cref="ArgumentException">Fewer than five normal records (each normal part would be empty).</exception>
    public static KddSplit Create(IReadOnlyList<KddCategory> categories, int seed)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var normals = Enumerable.Range(0, categories.Count).Where(i => categories[i] == KddCategory.Normal).ToArray();
        if (normals.Length < 5)
            throw new ArgumentException($"KddSplit: the standard protocol needs at least 5 normal records, got {normals.Length}.", nameof(categories));
        new Random(seed).Shuffle(normals);
        int nTrain = (int)(0.6 * normals.Length), nValidation = (int)(0.2 * normals.Length);

        var attacks = Enumerable.Range(0, categories.Count).Where(i => categories[i] != KddCategory.Normal).ToArray();
        int[] validationAttacks = [], testAttacks = [];
        if (attacks.Length > 0)
        {
            // half of every category to validation (a category of one record goes to test); a seed of its own stream
            var (kept, heldOut) = StratifiedSplit.Holdout(attacks.Select(i => (int)categories[i]).ToArray(), 0.5, unchecked(seed * 31 + 7));
            validationAttacks = heldOut.Select(k => attacks[k]).ToArray();
            testAttacks = kept.Select(k => attacks[k]).ToArray();
        }
        return new KddSplit(seed, normals[..nTrain], normals[nTrain..(nTrain + nValidation)], validationAttacks,
            normals[(nTrain + nValidation)..], testAttacks);
    }

    /// <summary>What the split is, in one paragraph for the reports.</summary>
    public string Describe(IReadOnlyList<KddCategory> categories)
    {
        int Count(int[] rows, KddCategory c) => rows.Count(i => categories[i] == c);
        string Halves(KddCategory c) => $"{c.ToString().ToLowerInvariant()} {Count(ValidationAttacks, c):N0}/{Count(TestAttacks, c):N0}";
        int normals = Train.Length + ValidationNormals.Length + TestNormals.Length;
        return $"Split (seed {Seed}, the same for every training seed): the {normals:N0} normal records shuffled and cut 60/20/20 into "
            + $"{Train.Length:N0} training, {ValidationNormals.Length:N0} validation and {TestNormals.Length:N0} test normals; the "
            + $"{ValidationAttacks.Length + TestAttacks.Length:N0} attacks split in halves stratified by attack category into "
            + $"{ValidationAttacks.Length:N0} validation and {TestAttacks.Length:N0} test attacks (validation/test: "
            + string.Join(", ", new[] { KddCategory.Dos, KddCategory.Probe, KddCategory.R2L, KddCategory.U2R }.Select(Halves)) + "). "
            + "The detectors train on the training normals only; the threshold is the 99th percentile of the validation normals' scores; "
            + "a recipe is chosen on validation AUROC (validation normals vs validation attacks) and the test half "
            + $"({TestNormals.Length:N0} normals + {TestAttacks.Length:N0} attacks) is read only to report the chosen recipe.";
    }
}

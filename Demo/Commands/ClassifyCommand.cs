using System.CommandLine;
using System.Globalization;
using System.Text;
using Engine.Analysis;
using Engine.Data;
using Engine.Latent;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training;

namespace Demo.Commands;

/// <summary>
/// `classify`: classification from the latent space — frozen features + five classifiers (raw pixels, PCA, AE,
/// VAE means), a fine-tuned encoder and joint reconstruction + classification training, at three label budgets.
/// </summary>
internal static class ClassifyCommand
{
    private static readonly float[] JointWeights = [0.01f, 0.1f, 1f];
    // --quick is a smoke test: one weight; the full run shows the effect of the weight.
    private static readonly float[] QuickJointWeights = [0.1f];

    public static Command Create()
    {
        var options = Cli.CommandOptions.Common() with
        {
            Data = Cli.DemoOptions.FashionData(),
            Epochs = Cli.DemoOptions.Epochs("Pretraining epochs of the AE and the VAE (default 10; 3 with --quick); fine-tuning and joint training run a third of them."),
            Latent = Cli.DemoOptions.Latent("Code size of the AE, the VAE and PCA (default 32)."),
            Resume = Cli.DemoOptions.ResumeRun(),
            ResumesRuns = true,
        };
        var command = options.AddTo(new Command("classify", "Classification from the latent space: frozen codes + classifiers, fine-tuning, joint training; all / 1,000 / 100 labels."));
        command.SetAction((parse, token) => CommandRunner.RunAsync(parse, options, token, c => Run(c)));
        return command;
    }

    /// <summary>
    /// The comparison; the tour narrows it with <paramref name="budgets"/> (names among all, 1000, 100),
    /// <paramref name="jointWeights"/> and <paramref name="minimumSteps"/> (of each fine-tuned or joint model).
    /// </summary>
    public static void Run(RunContext context, string[]? budgets = null, float[]? jointWeights = null,
        int? minimumSteps = null)
    {
        context.Out.Heading("Classification from the latent space");
        var data = context.LoadImages();
        int d = FashionMnist.ImageSize, n = data.TrainCount, nTest = data.TestCount, classes = data.ClassNames.Count;
        int k = context.Latent ?? 32;
        int epochs = context.Epochs ?? (context.Quick ? 3 : 10);
        int tuneEpochs = Math.Max(1, (epochs + 2) / 3);
        var trainX = LatentDemoSupport.ToFloats(data.TrainImages);
        var testX = LatentDemoSupport.ToFloats(data.TestImages);
        var trainY = LatentDemoSupport.ToLabels(data.TrainLabels);
        var testY = LatentDemoSupport.ToLabels(data.TestLabels);
        var train = new ByteImageDataset(data.TrainImages, d, data.TrainLabels, 28, 28);
        var test = new ByteImageDataset(data.TestImages, d, data.TestLabels, 28, 28);
        var budgetRows = new (string Name, int[] Rows)[]
        {
            ("all", Enumerable.Range(0, n).ToArray()),
            ("1000", Stratified(trainY, 1000, context.Seed)),
            ("100", Stratified(trainY, 100, context.Seed)),
        }.Where(b => budgets is null || budgets.Contains(b.Name))
            // A budget is a subset: on a set with fewer labelled images than it, it would be "all" again.
            .Where(b => b.Name == "all" || b.Rows.Length < n).ToArray();
        var weights = jointWeights ?? (context.Quick ? QuickJointWeights : JointWeights);
        int steps = minimumSteps ?? MinimumSteps(context);

        // Unsupervised pretraining on every training image (labels unused).
        var ae = new DenseAutoencoder(DenseAutoencoderOptions.Reference(k), new Random(context.Seed));
        LatentDemoSupport.Train(context, ae, train, epochs, $"AE 784-512-128-{k}");
        var vae = new VariationalAutoencoder(VaeOptions.Reference(k), new Random(context.Seed));
        LatentDemoSupport.Train(context, vae, train, epochs, $"VAE 784-512-256-{k}");
        Pca pca;
        using (context.Out.Step($"PCA with {k} components on {n:N0} images"))
            pca = Pca.Fit(trainX, n, d, k);
        var features = new (string Name, int Cols, float[] Train, float[] Test)[]
        {
            ("raw pixels", d, trainX, testX),
            ($"PCA-{k}", k, pca.Transform(trainX, n), pca.Transform(testX, nTest)),
            ($"AE-{k} codes (frozen)", k, LatentSpace.Encode(ae, train), LatentSpace.Encode(ae, test)),
            ($"VAE-{k} means (frozen)", k, LatentSpace.Encode(vae, train), LatentSpace.Encode(vae, test)),
        };

        var results = new List<Dictionary<string, object>>();
        var cells = new Dictionary<(string Row, string Budget), string>();
        var rowOrder = new List<(string Approach, string Features, string Classifier)>();
        void Record(string approach, string feature, string classifier, string budget, double accuracy, double seconds,
            Dictionary<string, object>? extra = null)
        {
            if (!rowOrder.Contains((approach, feature, classifier))) rowOrder.Add((approach, feature, classifier));
            cells[(approach + feature + classifier, budget)] = $"{100 * accuracy:F1}";
            var row = new Dictionary<string, object>
            {
                ["approach"] = approach, ["features"] = feature, ["classifier"] = classifier, ["labels"] = budget,
                ["accuracy"] = accuracy, ["seconds"] = seconds,
            };
            foreach (var (key, value) in extra ?? []) row[key] = value;
            results.Add(row);
            context.Out.Line($"  {approach,-10} {feature,-22} {classifier,-20} labels {budget,4}: {100 * accuracy:F1}%  ({seconds:F1} s)");
        }

        foreach (var (budget, rows) in budgetRows)
        {
            context.Out.Line($"label budget {budget} ({rows.Length:N0} labelled training images)");
            var labels = rows.Select(r => trainY[r]).ToArray();
            foreach (var (name, cols, allTrain, allTest) in features)
            {
                var x = Gather(allTrain, cols, rows);
                string approach = name == "raw pixels" || name.StartsWith("PCA", StringComparison.Ordinal) ? "baseline"
                    : name.StartsWith("VAE", StringComparison.Ordinal) ? "VAE" : "frozen";
                // The classifiers that want standardised features all fit on every row of x, so one scaler serves
                // them: standardised once per feature set and budget, not once per classifier. For raw pixels that
                // copy is 219 MB, and k-NN keeps its own 188 MB copy of the training rows; so the classifiers on
                // features as they are run first and the standardised ones after, and the two copies never live at
                // the same time (the table keeps the classifiers' order).
                foreach (var (classifier, _, _) in Classifiers(context))
                    if (!rowOrder.Contains((approach, name, classifier))) rowOrder.Add((approach, name, classifier));
                (float[] Train, float[] Test)? scaled = null;
                foreach (var (classifier, make, scale) in Classifiers(context).OrderBy(c => c.Scale))
                {
                    if (context.Cancellation.IsCancellationRequested) return;
                    var fitX = x;
                    var fitY = labels;
                    int fitRows = rows.Length;
                    if (classifier.StartsWith("random forest", StringComparison.Ordinal) && fitRows > ForestRows(context))
                    {
                        var sub = Stratified(labels, ForestRows(context), context.Seed);
                        fitX = Gather(x, cols, sub);
                        fitY = sub.Select(i => labels[i]).ToArray();
                        fitRows = sub.Length;
                    }
                    var testFeatures = allTest;
                    if (scale)
                    {
                        if (scaled is null)
                        {
                            var scaler = new StandardScaler().Fit(x, rows.Length, cols);
                            scaled = (scaler.Transform(x, rows.Length), scaler.Transform(allTest, nTest));
                        }
                        (fitX, testFeatures) = scaled.Value;
                    }
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var model = make(fitRows);
                    double accuracy;
                    using (context.Out.Step($"{classifier} on {name}, {budget} labels ({fitRows:N0} rows)"))
                    {
                        model.Fit(fitX, fitRows, cols, fitY, classes);
                        accuracy = model.Score(testFeatures, nTest, testY);
                    }
                    Record(approach, name, classifier, budget, accuracy, clock.Elapsed.TotalSeconds);
                    if ((long)fitRows * cols >= LargeFeatureValues) ReturnFreedMemory();
                }
            }

            // Fine-tuning: a copy of the pretrained encoder + a new softmax head, trained end to end on the labels.
            var labelled = new FloatDataset(Gather(trainX, d, rows), d, labels);
            {
                var copy = new DenseAutoencoder(DenseAutoencoderOptions.Reference(k), new Random(context.Seed));
                LatentDemoSupport.CopyParameters(ae, copy);
                var model = new EncoderClassifier(copy.Encoder, k, classes, new Random(context.Seed + 10));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var trainer = SupervisedTrainerFor(context, rows.Length, tuneEpochs, steps);
                trainer.Fit(model, new Adam(model.Parameters(), 1e-3f), labelled);
                Record("fine-tuned", $"AE-{k} encoder", "softmax head", budget, trainer.Accuracy(model, test),
                    clock.Elapsed.TotalSeconds);
            }

            // Joint training: reconstruction of every training image + w·cross-entropy on the labelled ones.
            foreach (float weight in weights)
            {
                if (context.Cancellation.IsCancellationRequested) return;
                var copy = new DenseAutoencoder(DenseAutoencoderOptions.Reference(k), new Random(context.Seed));
                LatentDemoSupport.CopyParameters(ae, copy);
                var model = new JointAutoencoderClassifier(copy, classes, weight, new Random(context.Seed + 10));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                bool semi = rows.Length < n;
                var trainer = SupervisedTrainerFor(context, semi ? n : rows.Length, tuneEpochs, steps);
                trainer.Fit(model, new Adam(model.Parameters(), 1e-3f), labelled, semi ? train : null);
                double mse = copy.ReconstructionMse(Tensor.FromArray(testX, nTest, d));
                Record("joint", $"AE-{k}, w = {weight.ToString(CultureInfo.InvariantCulture)}", "softmax head", budget,
                    trainer.Accuracy(model, test), clock.Elapsed.TotalSeconds, new() { ["weight"] = weight, ["test_mse"] = mse });
                cells[($"mse{weight}", budget)] = $"{mse:F5}";
            }
        }

        var table = new StringBuilder();
        table.AppendLine("| approach | features | classifier | all labels | 1,000 labels | 100 labels |");
        table.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var (approach, feature, classifier) in rowOrder)
        {
            string Cell(string b) => cells.GetValueOrDefault((approach + feature + classifier, b), "–");
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {approach} | {feature} | {classifier} | {Cell("all")} | {Cell("1000")} | {Cell("100")} |");
        }
        var mseTable = new StringBuilder();
        mseTable.AppendLine("| joint weight w | test MSE, all labels | 1,000 labels | 100 labels |");
        mseTable.AppendLine("|---:|---:|---:|---:|");
        foreach (float w in weights)
            mseTable.AppendLine(CultureInfo.InvariantCulture,
                $"| {w} | {cells.GetValueOrDefault(($"mse{w}", "all"), "–")} | {cells.GetValueOrDefault(($"mse{w}", "1000"), "–")} | {cells.GetValueOrDefault(($"mse{w}", "100"), "–")} |");
        double aeMse = ae.ReconstructionMse(Tensor.FromArray(testX, nTest, d));
        context.Out.Markdown(table.ToString());
        context.Out.Markdown(mseTable.ToString());
        context.Results["dataset"] = data.Source;
        context.Results["latent"] = k;
        context.Results["epochs"] = epochs;
        context.Results["pretrained_ae_test_mse"] = aeMse;
        context.Results["results"] = results;

        string markdown = $"{ModelTraining.Describe(data)}, test accuracy (%) by label budget. "
            + $"The AE (784-512-128-{k}, reference recipe) and the VAE (784-512-256-{k}, Bernoulli) pretrain on all "
            + $"{n:N0} training images without labels for {epochs} epochs (Adam 1e-3, batch 128, seed {context.Seed}); the "
            + $"1,000 and 100 budgets are class-balanced random subsets. Classifiers: softmax regression (L-BFGS, C = 1), "
            + "linear SVM (hinge, C = 1, at most 200 epochs), MLP (one hidden layer of 128, Adam, on the engine) on "
            + $"standardised features; random forest ({Trees(context)} trees, at most {ForestRows(context):N0} training rows) and "
            + "5-NN (Euclidean) on the features as they are. Fine-tuned: the pretrained encoder + a new softmax head, "
            + $"trained end to end on the labels ({tuneEpochs} epochs, at least {steps} steps). Joint: the "
            + $"pretrained AE + a softmax head, trained {tuneEpochs} epochs on MSE + w·cross-entropy (reconstruction on all "
            + "training images, cross-entropy on the labelled ones). Pretrained AE test MSE "
            + $"{aeMse:F5}; the joint models' test MSE:\n\n{mseTable}\n{table}";
        context.Report.Text($"Test accuracy (%) on {nTest:N0} test images by approach and label budget: baseline features, "
            + $"frozen AE codes and VAE means with five classifiers, the fine-tuned encoder, and joint training. AE and VAE "
            + $"pretrained {epochs} epochs without labels on {n:N0} images ({data.Source}).");
        context.Report.Markdown(table.ToString());
        ResultsDoc.PublishFor(context, data.IsFashionMnist, context.DataPath, "own-images", "04-classification-from-the-latent-space.md", "classify", markdown);
    }

    private static (string Name, Func<int, IClassifier> Make, bool Scale)[] Classifiers(RunContext context) =>
    [
        ("softmax regression", _ => new LogisticRegression(), true),
        ("linear SVM", _ => new LinearSvm { Seed = context.Seed, MaxIterations = 200 }, true),
        ("random forest", _ => new RandomForest { Trees = Trees(context), Seed = context.Seed }, false),
        ("5-NN", _ => new KNearestNeighbors { K = 5 }, false),
        ("MLP 128", rows => new MlpClassifier { Seed = context.Seed, Epochs = rows > 10_000 ? 10 : 20 }, true),
    ];

    private static int Trees(RunContext context) => context.Quick ? 50 : 100;

    // Raw pixels with every label are 47 M values (188 MB as floats); the PCA, AE and VAE features are 2 M.
    private const long LargeFeatureValues = 8_000_000;

    // A classifier fitted on raw pixels leaves hundreds of MB behind (k-NN's copy of the training rows, the
    // standardised copy once the feature set is done). The GC would collect them only when its large-object budget
    // runs out, after the next copy has been allocated beside them: the process peak would be the sum of copies that
    // are never needed at the same time. A full, compacting collection after each such fit keeps the peak to one copy
    // (measured peak RSS of `classify` 1.20 GiB before the classifiers read their features in place, ~0.95 without
    // this collection).
    private static void ReturnFreedMemory() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    // The forest is the slowest fit: it trains on at most this many rows (a class-balanced random subset).
    private static int ForestRows(RunContext context) => context.Quick ? 2_000 : 10_000;

    // Fine-tuning and joint training run at least this many steps, so that the 100-label budget (one batch per
    // epoch) still trains; --quick keeps a tenth of it as a smoke test.
    private static int MinimumSteps(RunContext context) => context.Quick ? 50 : 500;

    private static SupervisedTrainer SupervisedTrainerFor(RunContext context, int rowsPerEpoch, int epochs, int minimumSteps)
    {
        int batchesPerEpoch = (rowsPerEpoch + 127) / 128;
        int atLeast = (minimumSteps + batchesPerEpoch - 1) / batchesPerEpoch;
        int total = Math.Max(epochs, atLeast);
        return new SupervisedTrainer(new TrainerOptions
        {
            Epochs = total,
            BatchSize = 128,
            Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, total),
        });
    }

    // A class-balanced random subset: count / classes examples of each class, in a seeded random order.
    private static int[] Stratified(int[] labels, int count, int seed)
    {
        var order = Enumerable.Range(0, labels.Length).ToArray();
        new Random(seed).Shuffle(order);
        int classes = labels.Max() + 1, perClass = count / classes;
        var taken = new int[classes];
        var result = new List<int>(count);
        foreach (int i in order)
        {
            if (taken[labels[i]] < perClass)
            {
                taken[labels[i]]++;
                result.Add(i);
            }
        }
        return result.ToArray();
    }

    // The rows of source in the order given; all rows in order are source itself (no copy of the whole set).
    private static float[] Gather(float[] source, int cols, int[] rows)
    {
        if (rows.Length * cols == source.Length && rows.Select((r, i) => r == i).All(same => same)) return source;
        var result = new float[rows.Length * cols];
        for (int i = 0; i < rows.Length; i++) source.AsSpan(rows[i] * cols, cols).CopyTo(result.AsSpan(i * cols));
        return result;
    }
}

namespace Engine.Models;

/// <summary>
/// A model whose training objective depends on how far training has come, such as a VAE whose KL weight warms up
/// over the first steps (<see cref="KlAnnealing"/>). The step is owned by whoever runs the training steps: the
/// training loop sets <see cref="TrainingStep"/> to the optimizer's step count before every batch (so a resumed
/// run continues the schedule where it stood), and the loss only reads it.
/// </summary>
public interface IScheduledLoss
{
    /// <summary>The optimizer steps taken so far; the loss of the next step uses the schedule's value at this step.</summary>
    long TrainingStep { get; set; }
}

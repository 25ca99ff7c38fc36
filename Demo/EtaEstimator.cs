using System.Globalization;

namespace Demo;

/// <summary>
/// The time left of a run of batches, from the pace after a warm-up: the first batches of a process include the
/// JIT compiling the kernels and the caches filling, so timing them would predict a run several times too long.
/// </summary>
/// <remarks>
/// The warm-up is the first <see cref="WarmupBatches"/> batches, or all batches of the first
/// <see cref="WarmupSeconds"/> seconds, whichever lasts longer. The pace is measured from the end of the warm-up;
/// until <see cref="MinimumBatches"/> batches and <see cref="MinimumSeconds"/> have passed after it there is no
/// estimate (the display says "estimating").
/// </remarks>
internal sealed class EtaEstimator
{
    public const int WarmupBatches = 3, MinimumBatches = 3;
    public const double WarmupSeconds = 1.0, MinimumSeconds = 0.5;

    private long _batches;
    private long? _warmBatches;
    private double _warmSeconds;

    /// <summary>
    /// Records that one more batch finished at <paramref name="elapsedSeconds"/> since the start, with
    /// <paramref name="batchesLeft"/> batches still to do; returns the estimate of the time left, or null while warming up.
    /// </summary>
    public TimeSpan? Observe(double elapsedSeconds, long batchesLeft)
    {
        _batches++;
        if (_warmBatches is null)
        {
            if (_batches >= WarmupBatches && elapsedSeconds >= WarmupSeconds)
            {
                _warmBatches = _batches;
                _warmSeconds = elapsedSeconds;
            }
            return null;
        }
        long measured = _batches - _warmBatches.Value;
        double seconds = elapsedSeconds - _warmSeconds;
        if (measured < MinimumBatches || seconds < MinimumSeconds) return null;
        return TimeSpan.FromSeconds(Math.Round(batchesLeft * seconds / measured));
    }

    /// <summary>A duration as m:ss under an hour and h:mm:ss from an hour on (61 minutes: "1:01:00").</summary>
    public static string Format(TimeSpan time)
    {
        if (time < TimeSpan.Zero) time = TimeSpan.Zero;
        long total = (long)Math.Round(time.TotalSeconds);
        long hours = total / 3600, minutes = total % 3600 / 60, seconds = total % 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}:{minutes:00}:{seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}:{seconds:00}");
    }
}

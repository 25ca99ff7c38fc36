using Engine.IO;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Engine.Data;

/// <summary>
/// A read-only stream that reads its source on a background thread into a few 1 MiB chunks, so that
/// decompression (there) and parsing (on the caller's thread) overlap on two cores.
/// </summary>
/// <remarks>An exception from the source is rethrown from <see cref="Read(Span{byte})"/> after the chunks
/// before it have been consumed. Disposing stops the background reader; it does not dispose the source.</remarks>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    private const int ChunkSize = 1 << 20;
    private const int ChunkCount = 4;

    private readonly BlockingCollection<(byte[] Buffer, int Length)> _full = new(ChunkCount);
    private readonly BlockingCollection<byte[]> _empty = new(ChunkCount);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private Exception? _error;
    private byte[]? _current;
    private int _position;
    private int _length;

    public ReadAheadStream(Stream source)
    {
        for (int i = 0; i < ChunkCount; i++)
            _empty.Add(new byte[ChunkSize]);
        _reader = Task.Factory.StartNew(() => Fill(source), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Fill(Stream source)
    {
        try
        {
            while (true)
            {
                var buffer = _empty.Take(_stop.Token);
                int n = source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (n > 0)
                    _full.Add((buffer, n), _stop.Token);
                if (n < buffer.Length)
                    break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // disposed before the end: nobody is waiting for the rest
        }
        catch (Exception e)
        {
            // handed to the reading thread, which rethrows it in order
            _error = e;
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        while (_current is null || _position == _length)
        {
            if (_current is not null)
            {
                _empty.Add(_current);
                _current = null;
            }
            if (!_full.TryTake(out var chunk, Timeout.Infinite))
            {
                if (_error is not null)
                    ExceptionDispatchInfo.Throw(_error);
                return 0;
            }
            (_current, _length, _position) = (chunk.Buffer, chunk.Length, 0);
        }
        int n = Math.Min(buffer.Length, _length - _position);
        _current.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _reader.Wait();
            _stop.Dispose();
            _full.Dispose();
            _empty.Dispose();
        }
        base.Dispose(disposing);
    }
}

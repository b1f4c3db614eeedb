using System.Numerics;

namespace Tributary.Streaming.Internal;

/// <summary>
/// Gathers one run for <see cref="RunPump"/>. It holds no array between runs, so an idle feed holds nothing, and
/// sizes each new run's array from the last run's length, so a busy feed allocates one full-size array per run
/// and a trickling feed a small one per item.
/// </summary>
internal sealed class RunBuilder<T>(int maxRun)
{
    private const int SmallestArray = 4;

    private T[]? _items;
    private int _nextCapacity = Math.Min(SmallestArray, maxRun);

    public int Count { get; private set; }

    public bool IsFull => Count == maxRun;

    public void Add(T item)
    {
        if (_items is null)
        {
            _items = new T[_nextCapacity];
        }
        else if (Count == _items.Length)
        {
            Array.Resize(ref _items, Math.Min(maxRun, _items.Length * 2));
        }

        _items[Count++] = item;
    }

    /// <summary>Hands over the gathered items and starts an empty run.</summary>
    public ItemRun<T> Take()
    {
        var run = new ItemRun<T>(_items ?? [], Count);
        _nextCapacity = Math.Min(maxRun, Math.Max(SmallestArray, (int)BitOperations.RoundUpToPowerOf2((uint)Count)));
        _items = null;
        Count = 0;
        return run;
    }
}

using System.Collections.ObjectModel;
using System.Globalization;
using CollaborativeFiltering.Internal;

namespace CollaborativeFiltering.Data;

/// <summary>
/// A one-to-one map between external ids, exactly as they appear in the user's files, and dense
/// 0-based indices <c>0..Count-1</c>, for users and items alike (so its indices are plain <see cref="int"/>s;
/// <see cref="Catalog.GetUserIndex"/> and <see cref="Catalog.GetItemIndex"/> give the typed
/// <see cref="UserIndex"/> and <see cref="ItemIndex"/> the models take). Immutable and safe to share between threads.
/// </summary>
public sealed class IdMap
{
    private readonly string[] _ids;
    private readonly Dictionary<string, int> _indices;

    /// <summary>Creates a map whose index <c>i</c> is the <c>i</c>-th id of <paramref name="ids"/>.</summary>
    /// <param name="ids">The external ids in index order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> or one of its ids is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An id appears twice.</exception>
    public IdMap(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _ids = ids.ToArray();
        _indices = new Dictionary<string, int>(_ids.Length, StringComparer.Ordinal);
        for (int i = 0; i < _ids.Length; i++)
        {
            string id = _ids[i] ?? throw new ArgumentNullException(nameof(ids), string.Create(CultureInfo.InvariantCulture, $"The id at index {i} is null."));
            if (!_indices.TryAdd(id, i))
            {
                ThrowHelper.Argument(nameof(ids), string.Create(CultureInfo.InvariantCulture, $"The id '{id}' appears at index {_indices[id]} and again at index {i}; ids must be unique."));
            }
        }

        Ids = new ReadOnlyCollection<string>(_ids);
    }

    private IdMap(string[] ids, Dictionary<string, int> indices)
    {
        _ids = ids;
        _indices = indices;
        Ids = new ReadOnlyCollection<string>(_ids);
    }

    /// <summary>A map of <paramref name="count"/> ids "first", "first+1", …: index <c>i</c> has id <c>(first + i)</c> in invariant digits.</summary>
    /// <param name="count">How many ids, zero or more.</param>
    /// <param name="first">The id of index 0 (MovieLens ids start at 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or its ids would not fit in memory, or the last id, <paramref name="first"/> + <paramref name="count"/> − 1, is beyond <see cref="int.MaxValue"/>.</exception>
    public static IdMap Sequential(int count, int first = 1) => Sequential(count, first, CancellationToken.None);

    /// <summary><see cref="Sequential(int, int)"/>, checking <paramref name="cancellationToken"/> every 16,384 ids.</summary>
    internal static IdMap Sequential(int count, int first, CancellationToken cancellationToken)
    {
        ThrowHelper.ThrowIfNegative(count, nameof(count));
        MemoryBudget.ThrowIfTooLarge(count * 80L, nameof(count), count, "ids (about 80 bytes each with their index)");
        if (count > 0 && first > int.MaxValue - (count - 1))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(first), first, string.Create(CultureInfo.InvariantCulture, $"at most {int.MaxValue - (count - 1)} so that the last of {count} ids, first + count − 1, fits in an int"));
        }

        var ids = new string[count];
        var indices = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            if ((i & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ids[i] = (first + i).ToString(CultureInfo.InvariantCulture);
            indices.Add(ids[i], i);
        }

        return new IdMap(ids, indices);
    }

    /// <summary>The number of ids.</summary>
    public int Count => _ids.Length;

    /// <summary>All ids in index order.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>The external id of a dense index.</summary>
    /// <param name="index">A dense index in <c>[0, Count)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public string this[int index]
    {
        get
        {
            ThrowHelper.ThrowIfIndexOutOfRange(index, _ids.Length, nameof(index));
            return _ids[index];
        }
    }

    /// <summary>The dense index of an external id.</summary>
    /// <param name="id">An id as it appears in the files (compared ordinally).</param>
    /// <exception cref="KeyNotFoundException">The id is not in the map; the message names it.</exception>
    public int IndexOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _indices.TryGetValue(id, out int index)
            ? index
            : ThrowHelper.KeyNotFound<int>($"The id '{id}' is not in this map of {_ids.Length} ids.");
    }

    /// <summary>Looks up the dense index of an external id.</summary>
    /// <param name="id">An id as it appears in the files (compared ordinally).</param>
    /// <param name="index">The index when found, else -1.</param>
    /// <returns><see langword="true"/> when the id is in the map.</returns>
    public bool TryGetIndex(string id, out int index)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_indices.TryGetValue(id, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Looks up the dense index of an external id given as characters, without allocating a string.</summary>
    /// <param name="id">An id as it appears in the files (compared ordinally).</param>
    /// <param name="index">The index when found, else -1.</param>
    /// <returns><see langword="true"/> when the id is in the map.</returns>
    public bool TryGetIndex(ReadOnlySpan<char> id, out int index)
    {
        if (_indices.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out index))
        {
            return true;
        }

        index = -1;
        return false;
    }

    /// <summary>Whether the id is in the map.</summary>
    /// <param name="id">An id as it appears in the files.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string id) => TryGetIndex(id, out _);

    /// <summary>Whether both maps hold the same ids in the same order.</summary>
    /// <param name="other">The map to compare with.</param>
    /// <returns><see langword="true"/> when they are the same map or hold equal ids in equal order.</returns>
    public bool SequenceEquals(IdMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || _ids.AsSpan().SequenceEqual(other._ids);
    }

    /// <summary>Grows a map while a file is read: ids get indices in order of first appearance.</summary>
    internal sealed class Builder
    {
        private readonly List<string> _ids = [];
        private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);

        public int Count => _ids.Count;

        public int GetOrAdd(ReadOnlySpan<char> id)
        {
            var lookup = _indices.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(id, out int index))
            {
                return index;
            }

            string s = id.ToString();
            index = _ids.Count;
            _ids.Add(s);
            _indices.Add(s, index);
            return index;
        }

        public bool TryAdd(string id, out int index)
        {
            if (_indices.TryGetValue(id, out index))
            {
                return false;
            }

            index = _ids.Count;
            _ids.Add(id);
            _indices.Add(id, index);
            return true;
        }

        public IdMap Build() => new([.. _ids], new Dictionary<string, int>(_indices, StringComparer.Ordinal));
    }

    /// <summary>E.g. <c>943 ids (1 … 943)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Display.Count(Count)} ids") + (Count switch { 0 => "", 1 => string.Create(CultureInfo.InvariantCulture, $" ({_ids[0]})"), _ => string.Create(CultureInfo.InvariantCulture, $" ({_ids[0]} … {_ids[^1]})") });
}

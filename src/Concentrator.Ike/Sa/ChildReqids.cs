namespace Concentrator.Ike.Sa;

/// <summary>
/// Each CHILD SA sent to the kernel → its reqid, for one IKE SA: one or two entries in practice (a rekey's new CHILD SA
/// next to the old one), so an array sized to them, searched by reference, instead of a hash table with buckets (an
/// established IKE SA is held for hours and a node holds a hundred thousand of them).
/// </summary>
internal sealed class ChildReqids
{
    private KeyValuePair<ChildSa, uint>[] _entries = [];

    public int Count => _entries.Length;

    public IEnumerable<ChildSa> Keys => _entries.Select(e => e.Key);

    public uint this[ChildSa child]
    {
        set
        {
            int i = IndexOf(child);
            if (i >= 0)
            {
                _entries[i] = new(child, value);
                return;
            }

            _entries = [.. _entries, new(child, value)];
        }
    }

    public bool Remove(ChildSa child) => Remove(child, out _);

    public bool Remove(ChildSa child, out uint reqid)
    {
        int i = IndexOf(child);
        if (i < 0)
        {
            reqid = 0;
            return false;
        }

        reqid = _entries[i].Value;
        _entries = [.. _entries.AsSpan(0, i), .. _entries.AsSpan(i + 1)];
        return true;
    }

    public void Clear() => _entries = [];

    public ArrayEnumerator GetEnumerator() => new(_entries);

    private int IndexOf(ChildSa child)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            if (ReferenceEquals(_entries[i].Key, child))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Walks the entries as they were when the walk began (every change replaces the array).</summary>
    internal struct ArrayEnumerator(KeyValuePair<ChildSa, uint>[] entries)
    {
        private int _index = -1;

        public readonly KeyValuePair<ChildSa, uint> Current => entries[_index];

        public bool MoveNext() => ++_index < entries.Length;
    }
}

namespace Concentrator.Server.Radius;

/// <summary>
/// The Identifiers in flight to one server endpoint (RFC 2865 §3: the Identifier "aids in matching requests and
/// replies"; 256 of them per server and port). An Identifier is drawn and registered in one step (DESIGN rule 14),
/// round-robin so a just-freed one is reused last and a late reply rarely meets a new request.
/// </summary>
internal sealed class RadiusIdentifierTable<T>
    where T : class
{
    private readonly T?[] _slots = new T?[256];
    private int _next;

    public int Count { get; private set; }

    public bool IsFull => Count == _slots.Length;

    /// <summary>Registers <paramref name="value"/> under a free Identifier; false when all 256 are in flight.</summary>
    public bool TryAdd(T value, out byte identifier)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var candidate = (_next + i) & 0xff;
            if (_slots[candidate] is null)
            {
                _slots[candidate] = value;
                _next = (candidate + 1) & 0xff;
                Count++;
                identifier = (byte)candidate;
                return true;
            }
        }

        identifier = 0;
        return false;
    }

    public T? Get(byte identifier) => _slots[identifier];

    /// <summary>Frees <paramref name="identifier"/> if it still holds <paramref name="value"/>.</summary>
    public bool Remove(byte identifier, T value)
    {
        if (!ReferenceEquals(_slots[identifier], value))
        {
            return false;
        }

        _slots[identifier] = null;
        Count--;
        return true;
    }
}

using System.Collections.Concurrent;
using Orleans.Metadata;

namespace Ecosystem.Grains;

/// <summary>
/// References to string-keyed grains without Orleans' per-call reflection: <c>GetGrain&lt;T&gt;(string)</c> resolves
/// <c>T</c>'s grain interface type again on every call (reading its custom attributes and formatting its type name),
/// which at twenty thousand events a second was a visible share of the engine's allocations. Here each interface is
/// resolved once.
/// </summary>
public sealed class GrainLookup(IGrainFactory grains, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver grainTypes)
{
    private readonly ConcurrentDictionary<Type, (GrainType Grain, GrainInterfaceType Interface)> _types = new();

    public T Get<T>(string key) where T : IGrainWithStringKey
    {
        var (grainType, interfaceType) = _types.GetOrAdd(typeof(T), static (type, self) => self.Resolve(type), this);
        return (T)grains.GetGrain(GrainId.Create(grainType, key), interfaceType);
    }

    private (GrainType, GrainInterfaceType) Resolve(Type type)
    {
        var interfaceType = interfaces.GetGrainInterfaceType(type);
        return (grainTypes.GetGrainType(interfaceType), interfaceType);
    }
}

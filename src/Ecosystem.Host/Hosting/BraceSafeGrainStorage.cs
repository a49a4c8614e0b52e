using Orleans.Storage;

namespace Ecosystem.Host.Hosting;

/// <summary>
/// Orleans' ADO.NET grain storage (10.4.2) formats a grain's key with <c>string.Format(key)</c> after every
/// write and clear (<c>AdoGrainKey.ToString</c>), so a key holding a lone <c>{</c> or <c>}</c> throws
/// <see cref="FormatException"/> once the row is already written: the grain's ETag goes stale and every
/// later write of it fails. Keys here are client ids (deal, partner, lead, account, integration ids, regions)
/// and may hold any printable character, so this storage doubles the braces of such keys (<c>{</c> → <c>{{</c>),
/// which the format turns back into one. Doubling is one-to-one and leaves keys without braces as they are:
/// nothing stored under a brace-free key moves.
/// </summary>
public sealed class BraceSafeGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, Escape(grainId), grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(stateName, Escape(grainId), grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, Escape(grainId), grainState);

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }

    internal static GrainId Escape(GrainId grainId)
    {
        var key = grainId.Key.ToString();
        if (key is null || key.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return grainId;
        }

        return GrainId.Create(grainId.Type, key.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
    }

    /// <summary>Wraps the storage provider registered under <paramref name="name"/> (call after registering it).</summary>
    public static void Decorate(IServiceCollection services, string name)
    {
        var registered = services.Single(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name));
        var factory = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"Grain storage '{name}' is not registered through a factory.");
        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new BraceSafeGrainStorage((IGrainStorage)factory(sp, key)));
    }
}

using System.Security.Cryptography;
using Ecosystem.Contracts.Keys;

namespace Ecosystem.Grains.Keys;

[GenerateSerializer, Alias("eco.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public Principal? Principal { get; set; }
    [Id(1)] public byte[]? SecretHash { get; set; }
    [Id(2)] public bool Revoked { get; set; }
    [Id(3)] public DateTimeOffset? FirstUsedAt { get; set; }
}

public sealed class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Default)] IPersistentState<ApiKeyState> state,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time)
    : Grain, IApiKeyGrain
{
    public async Task<bool> Create(Principal principal, byte[] secretHash)
    {
        if (state.State.Principal is not null)
        {
            return false;
        }

        state.State.Principal = principal;
        state.State.SecretHash = secretHash;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<Principal?> Authenticate(byte[] secretHash)
    {
        var s = state.State;
        var ok = s.Principal is not null && !s.Revoked && s.SecretHash is not null
            && CryptographicOperations.FixedTimeEquals(s.SecretHash, secretHash);
        if (ok && s.FirstUsedAt is null)
        {
            // A key's first use is an onboarding step of its partner (the API is activated).
            s.FirstUsedAt = time.GetUtcNow();
            await state.WriteStateAsync();
            if (s.Principal!.PartnerId is { } partner)
            {
                await GrainFactory.GetGrain<Contracts.Partners.IPartnerGrain>(partner).MarkApiKeyUsed(s.FirstUsedAt.Value);
            }
        }

        return ok ? s.Principal : null;
    }

    public async Task<bool> Revoke()
    {
        if (state.State.Principal is null)
        {
            return false;
        }

        if (!state.State.Revoked)
        {
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }

        return true;
    }

    public Task<bool> IsActive() => Task.FromResult(state.State.Principal is not null && !state.State.Revoked);
}

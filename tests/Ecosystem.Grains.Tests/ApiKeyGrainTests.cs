using System.Security.Cryptography;
using Ecosystem.Contracts.Keys;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class ApiKeyGrainTests(GrainClusterFixture fixture)
{
    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    [Fact]
    public async Task A_created_key_authenticates_with_its_hash_only()
    {
        var keyId = NewId("key");
        var principal = new Principal(keyId, Roles.Partner, NewId("partner"), null);
        var key = fixture.Client.GetGrain<IApiKeyGrain>(keyId);

        Assert.True(await key.Create(principal, Hash("right secret")));

        Assert.Equal(principal, await key.Authenticate(Hash("right secret")));
        Assert.Null(await key.Authenticate(Hash("wrong secret")));
        Assert.Null(await key.Authenticate([]));
    }

    [Fact]
    public async Task A_revoked_key_no_longer_authenticates()
    {
        var keyId = NewId("key");
        var key = fixture.Client.GetGrain<IApiKeyGrain>(keyId);
        await key.Create(new Principal(keyId, Roles.Rep, null, "user-7"), Hash("secret"));

        Assert.True(await key.Revoke());

        Assert.Null(await key.Authenticate(Hash("secret")));
        Assert.True(await key.Revoke());
    }

    [Fact]
    public async Task Creating_a_key_whose_id_is_taken_fails_and_keeps_the_first_key()
    {
        var keyId = NewId("key");
        var first = new Principal(keyId, Roles.Admin, null, null);
        var key = fixture.Client.GetGrain<IApiKeyGrain>(keyId);

        Assert.True(await key.Create(first, Hash("first")));
        Assert.False(await key.Create(new Principal(keyId, Roles.Partner, NewId("partner"), null), Hash("second")));

        Assert.Equal(first, await key.Authenticate(Hash("first")));
        Assert.Null(await key.Authenticate(Hash("second")));
    }

    [Fact]
    public async Task Revoking_a_key_that_does_not_exist_fails()
    {
        var key = fixture.Client.GetGrain<IApiKeyGrain>(NewId("key"));

        Assert.False(await key.Revoke());
        Assert.Null(await key.Authenticate(Hash("anything")));
    }

    [Fact]
    public async Task Keys_survive_deactivation()
    {
        var keyId = NewId("key");
        var principal = new Principal(keyId, Roles.Partner, NewId("partner"), null);
        var key = fixture.Client.GetGrain<IApiKeyGrain>(keyId);
        await key.Create(principal, Hash("secret"));

        await fixture.Cluster.DeactivateAsync(key);

        Assert.Equal(principal, await key.Authenticate(Hash("secret")));
    }
}

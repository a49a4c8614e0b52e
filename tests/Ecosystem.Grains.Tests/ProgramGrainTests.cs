using System.Text.Json;
using Ecosystem.Contracts.Program;
using Ecosystem.Domain.Program;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests;

/// <summary>
/// Production has one program grain (<see cref="IProgramGrain.Key"/>), which deals read on activation.
/// These tests use keys of their own so they never change the program the other tests' deals see.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProgramGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_program_that_was_never_set_has_the_default_settings()
    {
        var settings = await fixture.Client.GetGrain<IProgramGrain>(NewId("program")).Get();

        Assert.Equal(Json(ProgramSettings.Default), Json(settings));
    }

    [Fact]
    public async Task Settings_that_were_set_are_what_get_returns_also_after_deactivation()
    {
        var program = fixture.Client.GetGrain<IProgramGrain>(NewId("program"));
        var changed = ProgramSettings.Default with
        {
            ReportingCurrency = "EUR",
            Registration = new RegistrationSettings { ProtectionWindowDays = 30, AutoApprove = false },
        };

        await program.Set(changed);
        var read = await program.Get();
        await fixture.Cluster.DeactivateAsync(program);
        var reread = await program.Get();

        Assert.Equal(Json(changed), Json(read));
        Assert.Equal(Json(changed), Json(reread));
        Assert.NotEqual(Json(ProgramSettings.Default), Json(reread));
    }

    /// <summary>Structural equality for settings whose members are dictionaries and lists.</summary>
    private static string Json(ProgramSettings settings) => JsonSerializer.Serialize(settings);
}

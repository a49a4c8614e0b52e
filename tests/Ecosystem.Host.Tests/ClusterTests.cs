using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;

namespace Ecosystem.Host.Tests;

/// <summary>Nodes that share a PostgreSQL database form one Orleans cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_nodes_on_one_database_serve_the_same_grains_whichever_node_takes_the_event()
    {
        var (nodeA, nodeB) = await postgres.StartTwoNodeClusterAsync("cluster");
        await using var a = nodeA;
        await using var b = nodeB;
        using var httpA = a.Client();
        using var httpB = b.Client();
        foreach (var http in new[] { httpA, httpB })
        {
            var silos = (await (await http.GetAsync(new Uri("/api/admin/cluster", UriKind.Relative))).ReadAsync()).GetProperty("silos");
            Assert.Equal(2, silos.EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active"));
        }

        var deals = Enumerable.Range(0, 10).Select(_ => Events.Id("deal")).ToArray();

        foreach (var (deal, i) in deals.Select((d, i) => (d, i)))
        {
            var via = i % 2 == 0 ? httpA : httpB;
            Assert.Equal(["accepted"], await (await via.PostEventsAsync(Events.Registered(Events.Id("e"), deal, "p1", $"acct-{deal}.example"))).StatusesAsync());
        }

        foreach (var deal in deals)
        {
            var fromA = await (await httpA.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).ReadAsync();
            var fromB = await (await httpB.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).ReadAsync();
            Assert.Equal(1, fromA.GetProperty("timeline").GetArrayLength());
            Assert.Equal(fromA.GetRawText(), fromB.GetRawText());
        }

        // One activation per deal: an event taken by A is seen at once by a reader on B, which split
        // nodes (each with its own activation) would not show until a checkpoint.
        foreach (var deal in deals)
        {
            Assert.Equal(["accepted"], await (await httpA.PostEventsAsync(Events.Stage(Events.Id("e"), deal, "proposal"))).StatusesAsync());
            var fromB = await (await httpB.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).ReadAsync();
            Assert.Equal("proposal", fromB.GetProperty("stage").GetString());
        }
    }
}

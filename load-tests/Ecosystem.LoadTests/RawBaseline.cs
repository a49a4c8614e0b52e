using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ecosystem.LoadTests;

/// <summary>What PostgreSQL alone does with the same events, batched the same way.</summary>
internal sealed record BaselineResult(long Events, double Seconds, double EventsPerSecond);

/// <summary>
/// The raw baseline: the events of the co-selling mix inserted straight into a plain table (a unique id, the
/// type, the deal, the time, the JSON as sent) by Npgsql, one multi-row insert with <c>ON CONFLICT DO NOTHING</c>
/// per batch in its own transaction, from K connections flat out. It is the ceiling the engine's durable
/// append is compared to: the engine does the same write plus parsing, checks and grain work.
/// </summary>
internal static class RawBaseline
{
    public static async Task<BaselineResult> RunAsync(string connectionString, int batch, int connections, TimeSpan duration, string run)
    {
        var table = $"raw_events_{run}";
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using (var create = source.CreateCommand(
            $"CREATE TABLE {table} (id text PRIMARY KEY, type text NOT NULL, deal_id text, occurred_at timestamptz NOT NULL, payload text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var mix = new Throughput.EventMix("base-" + run, [.. Enumerable.Range(0, 5_000).Select(i => $"base-{run}-d{i}")], [.. Enumerable.Range(0, 200).Select(i => $"base-p{i}")]);
            long total = 0;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
            {
                await using var connection = await source.OpenConnectionAsync();
                while (clock.Elapsed < duration)
                {
                    var (body, _) = mix.NextBatch(batch);
                    using var doc = JsonDocument.Parse(body);
                    var n = doc.RootElement.GetArrayLength();
                    var ids = new string[n];
                    var types = new string[n];
                    var deals = new string?[n];
                    var times = new DateTime[n];
                    var payloads = new string[n];
                    var i = 0;
                    foreach (var e in doc.RootElement.EnumerateArray())
                    {
                        ids[i] = e.GetProperty("id").GetString()!;
                        types[i] = e.GetProperty("type").GetString()!;
                        deals[i] = e.GetProperty("dealId").GetString();
                        times[i] = e.GetProperty("occurredAt").GetDateTimeOffset().UtcDateTime;
                        payloads[i] = e.GetRawText();
                        i++;
                    }

                    await using var tx = await connection.BeginTransactionAsync();
                    await using var insert = new NpgsqlCommand(
                        $"INSERT INTO {table} (id, type, deal_id, occurred_at, payload) SELECT * FROM unnest(@ids, @types, @deals, @times, @payloads) ON CONFLICT (id) DO NOTHING",
                        connection, tx);
                    insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
                    insert.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
                    insert.Parameters.Add(new NpgsqlParameter("deals", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = deals });
                    insert.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times });
                    insert.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = payloads });
                    await insert.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                    Interlocked.Add(ref total, n);
                }
            })).ToList();
            await Task.WhenAll(workers);
            var seconds = clock.Elapsed.TotalSeconds;
            return new BaselineResult(total, seconds, total / seconds);
        }
        finally
        {
            await using var drop = source.CreateCommand($"DROP TABLE IF EXISTS {table}");
            await drop.ExecuteNonQueryAsync();
            // The baseline wrote a gigabyte or more of WAL: the checkpoint it calls for is taken now, not in the
            // middle of the engine's run, so the engine starts from the state the baseline started from.
            try
            {
                await using var checkpoint = source.CreateCommand("CHECKPOINT");
                await checkpoint.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                Console.WriteLine("baseline: no privilege to CHECKPOINT; the engine's run may meet the baseline's checkpoint");
            }
        }
    }
}

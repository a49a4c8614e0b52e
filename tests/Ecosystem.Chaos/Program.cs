using Ecosystem.Chaos;

return await ChaosRun.RunAsync(args);

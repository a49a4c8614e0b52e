using Ecosystem.LoadTests;

return await Harness.RunAsync(args);

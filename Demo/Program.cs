using Demo;

// The console demo: `dotnet run -c Release --project Demo -- <command> [options]`; no command runs the tour.
return DemoCli.Run(args);

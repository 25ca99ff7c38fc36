using System.CommandLine;
using Demo;

// The console demo: `dotnet run -c Release --project Demo -- <command> [options]`; no command runs the tour.
// Ctrl+C is handled by CommandRunner (stop after the current batch, keep a checkpoint, write the report, exit 130),
// so System.CommandLine's own handler, which abandons the action after a 2 s timeout, is switched off.
return DemoCli.Build().Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });

using System.CommandLine;
using Fleet.Cli.Commands;

var root = new RootCommand("fleet: label and caption large image datasets on an Orleans fleet")
{
    RunCommand.Create(),
    VerifyCommand.Create(),
};
foreach (var command in RemoteCommands.Create())
    root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();

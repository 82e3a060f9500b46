package main

import "github.com/spf13/cobra"

// The help speaks Chinese first, English in parentheses, like every
// message of the command line. usageTemplate is cobra's default usage
// template with only its headings translated.
const usageTemplate = `用法 (Usage):{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

别名 (Aliases):
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

示例 (Examples):
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

命令 (Available Commands):{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

其他命令 (Additional Commands):{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

参数 (Flags):
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

全局参数 (Global Flags):
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

其他帮助主题 (Additional help topics):{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

查看某个命令的详细说明："{{.CommandPath}} [command] --help" (Use "{{.CommandPath}} [command] --help" for more information about a command.){{end}}
`

// chineseHelp sets the Chinese usage template on root and translates what
// cobra adds by itself: the help and completion commands and every
// command's --help flag. It runs once the command tree is complete.
func chineseHelp(root *cobra.Command) {
	root.SetUsageTemplate(usageTemplate)
	// Made here rather than when the command runs, so that their words
	// can be set; cobra keeps commands that already exist.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = "命令的帮助 (help about any command)"
			c.Long = "显示任一命令的帮助：duban help [命令] (help provides help for any command: duban help [path to command])"
		case "completion":
			c.Short = "生成命令行自动补全脚本 (generate the autocompletion script for the specified shell)"
			c.Long = "为指定的 shell 生成 duban 的自动补全脚本，用法见各子命令的帮助 (generate the autocompletion script for duban for the specified shell; see each sub-command's help for how to use it)"
			for _, sh := range c.Commands() {
				sh.Short = "生成 " + sh.Name() + " 的自动补全脚本 (generate the autocompletion script for " + sh.Name() + ")"
				sh.Long = "生成 " + sh.Name() + " 的自动补全脚本，加载方法见下文 (how to load it:)\n\n" + sh.Long
				if f := sh.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = "补全时不显示说明 (disable completion descriptions)"
				}
			}
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = "显示 " + c.Name() + " 的帮助 (help for " + c.Name() + ")"
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

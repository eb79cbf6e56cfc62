package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// runCompletion prints a shell completion script, made from the command
// table and each command's flags: `dauys completion bash|zsh|fish`.
//
//	source <(dauys completion bash)
//	dauys completion fish > ~/.config/fish/completions/dauys.fish
func (m *Main) runCompletion(ctx context.Context, args []string) error {
	fs := m.flagSet("completion")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr{"completion takes bash, zsh or fish"}
	}
	flags := commandFlags(ctx)
	switch pos[0] {
	case "bash":
		writeBashCompletion(m.Stdout, flags)
	case "zsh":
		fmt.Fprint(m.Stdout, "#compdef dauys\nautoload -U +X bashcompinit && bashcompinit\n")
		writeBashCompletion(m.Stdout, flags)
	case "fish":
		writeFishCompletion(m.Stdout, flags)
	default:
		return usageErr{fmt.Sprintf("no completion for shell %q (bash, zsh or fish)", pos[0])}
	}
	return nil
}

// errDescribed stops a command once parse has shown its flags.
var errDescribed = errors.New("described")

// commandFlags returns every command's flags, by running each with a
// Main that stops it in parse.
func commandFlags(ctx context.Context) map[string][]*flag.Flag {
	out := map[string][]*flag.Flag{}
	for _, c := range commandTable() {
		var flags []*flag.Flag
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
			describe: func(fs *flag.FlagSet) { fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) }) }}
		c.run(m, ctx, nil)
		sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
		out[c.name] = flags
	}
	return out
}

func writeBashCompletion(w io.Writer, flags map[string][]*flag.Flag) {
	var top []string
	subs := map[string][]string{}
	for _, c := range commandTable() {
		group, sub, ok := strings.Cut(c.name, " ")
		if ok {
			subs[group] = append(subs[group], sub)
		}
		if len(top) == 0 || top[len(top)-1] != group {
			top = append(top, group)
		}
	}
	fmt.Fprintf(w, `# bash completion for dauys: source <(dauys completion bash)
_dauys() {
	local cur="${COMP_WORDS[COMP_CWORD]}" cmd="${COMP_WORDS[1]}" sub="${COMP_WORDS[2]}" words=""
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "%s help" -- "$cur"))
		return
	fi
	case "$cmd" in
`, strings.Join(top, " "))
	groups := make([]string, 0, len(subs))
	for g := range subs {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		fmt.Fprintf(w, "\t%s) [ \"$COMP_CWORD\" -eq 2 ] && { COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return; } ;;\n", g, strings.Join(subs[g], " "))
	}
	fmt.Fprint(w, "\tesac\n\tcase \"$cmd $sub\" in\n")
	for _, c := range commandTable() {
		pattern := `"` + c.name + `"`
		if !strings.Contains(c.name, " ") {
			pattern = `"` + c.name + ` "*`
		}
		fmt.Fprintf(w, "\t%s) words=\"%s\" ;;\n", pattern, flagWords(flags[c.name]))
	}
	fmt.Fprint(w, `	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$words --help" -- "$cur"))
	fi
}
complete -o default -F _dauys dauys
`)
}

func flagWords(flags []*flag.Flag) string {
	var words []string
	for _, f := range flags {
		words = append(words, "--"+f.Name)
	}
	return strings.Join(words, " ")
}

func writeFishCompletion(w io.Writer, flags map[string][]*flag.Flag) {
	fmt.Fprint(w, "# fish completion for dauys: dauys completion fish > ~/.config/fish/completions/dauys.fish\ncomplete -c dauys -f\n")
	seen := map[string]bool{}
	for _, c := range commandTable() {
		group, sub, ok := strings.Cut(c.name, " ")
		if !seen[group] {
			seen[group] = true
			summary := c.summary
			if ok {
				summary = firstLine(groupSummaries[group])
			}
			fmt.Fprintf(w, "complete -c dauys -n __fish_use_subcommand -a %s -d %s\n", group, fishQuote(summary))
		}
		cond := "__fish_seen_subcommand_from " + group
		if ok {
			fmt.Fprintf(w, "complete -c dauys -n '%s' -a %s -d %s\n", cond, sub, fishQuote(c.summary))
			cond += "; and __fish_seen_subcommand_from " + sub
		}
		for _, f := range flags[c.name] {
			arg, usage := flag.UnquoteUsage(f)
			req := ""
			if arg != "" {
				req = " -r -F"
			}
			fmt.Fprintf(w, "complete -c dauys -n '%s' -l %s%s -d %s\n", cond, f.Name, req, fishQuote(firstLine(usage)))
		}
	}
}

func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

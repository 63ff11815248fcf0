package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/export"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/generator/site"
)

type actionsOptions struct {
	owner   string
	overdue bool
	status  []string
	format  string
	now     string
	all     bool
}

func newActionsCmd(e *env, g *globalOptions) *cobra.Command {
	o := &actionsOptions{}
	cmd := &cobra.Command{
		Use:   "actions",
		Short: "List action items in the terminal",
		Long: `Actions lists the action items of every report without building a site:
open and in-progress items by default, overdue ones first.`,
		Example: `  hindsight actions --overdue
  hindsight actions --owner "Engineering Lead" --format csv > mine.csv
  hindsight actions --status done --status wont-do`,
		Args: positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runActions(e, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.owner, "owner", "", "only items of this owner (case-insensitive)")
	f.BoolVar(&o.overdue, "overdue", false, "only overdue items")
	f.StringSliceVar(&o.status, "status", nil, "only items in these states: open, in-progress, done, wont-do (repeatable)")
	f.BoolVar(&o.all, "all", false, "items in every state, done and won't-do included")
	f.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	f.StringVar(&o.now, "now", "", `"today": RFC 3339 or YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else now)`)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"table", "json", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(report.ActionStatuses, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runActions(e *env, g *globalOptions, o *actionsOptions) error {
	switch o.format {
	case "table", "json", "csv":
	default:
		return &usageError{fmt.Errorf("--format %q: want table, json or csv", o.format)}
	}
	for _, s := range o.status {
		if !slices.Contains(report.ActionStatuses, s) {
			return &usageError{fmt.Errorf("--status %q: want one of %s", s, strings.Join(report.ActionStatuses, ", "))}
		}
	}
	s, err := e.loadSite(g)
	if err != nil {
		return err
	}
	now, err := e.parseNow(o.now, s.Location)
	if err != nil {
		return err
	}
	set, err := generator.Load(e.ctx, generator.Config{Site: s, NoHistory: true, KeepGoing: true})
	if err != nil {
		return err
	}
	report.Sort(set.Reports)
	today := now.In(s.Location)
	var list []export.Action
	for _, a := range export.Actions(set.Reports, today, site.URL) {
		if keep(a, o) {
			list = append(list, a)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return before(list[i], list[j]) })
	switch o.format {
	case "json":
		return export.ActionsJSON(e.stdout, now, list)
	case "csv":
		return export.ActionsCSV(e.stdout, list)
	}
	return table(e.stdout, list, today)
}

func keep(a export.Action, o *actionsOptions) bool {
	if o.owner != "" && !strings.EqualFold(strings.TrimSpace(a.Owner), strings.TrimSpace(o.owner)) {
		return false
	}
	if o.overdue && !a.Overdue {
		return false
	}
	if len(o.status) > 0 {
		return slices.Contains(o.status, a.Status)
	}
	return o.all || a.Status == "open" || a.Status == "in-progress"
}

// before orders overdue items first, then by due date (undated last),
// then by report and position.
func before(a, b export.Action) bool {
	if a.Overdue != b.Overdue {
		return a.Overdue
	}
	if a.Due.IsZero() != b.Due.IsZero() {
		return !a.Due.IsZero()
	}
	if !a.Due.Equal(b.Due) {
		return a.Due.Before(b.Due)
	}
	if a.ReportID != b.ReportID {
		return a.ReportID < b.ReportID
	}
	return a.Index < b.Index
}

func table(w io.Writer, list []export.Action, today interface{ Format(string) string }) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no action items match")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE\tSTATUS\tPRI\tOWNER\tREPORT\tACTION")
	overdue := 0
	for _, a := range list {
		due := "-"
		if !a.Due.IsZero() {
			due = a.Due.Format("2006-01-02")
		}
		if a.Overdue {
			due += " !"
			overdue++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", due, a.Status, dash(a.Priority), dash(a.Owner), a.ReportID, a.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d action items, %d overdue (!) as of %s\n", len(list), overdue, today.Format("2006-01-02"))
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var ruleIDRE = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

func TestRuleTable(t *testing.T) {
	seen := map[string]bool{}
	for _, ru := range Rules {
		t.Run(ru.ID, func(t *testing.T) {
			if !ruleIDRE.MatchString(ru.ID) {
				t.Errorf("id %q is not lower-case words joined by hyphens", ru.ID)
			}
			if seen[ru.ID] {
				t.Errorf("id %q appears twice", ru.ID)
			}
			seen[ru.ID] = true
			if ru.Severity != Error && ru.Severity != Warning {
				t.Errorf("severity %q", ru.Severity)
			}
			if ru.DraftSeverity != "" && ru.DraftSeverity != Warning {
				t.Errorf("draft severity %q: drafts may only be treated more leniently", ru.DraftSeverity)
			}
			if ru.Summary == "" {
				t.Error("no summary")
			}
			if ru.Doc == "" {
				t.Errorf("no documentation: add docs/%s.md", ru.ID)
			}
			switch ru.Source {
			case "check":
				if ru.fn == nil {
					t.Error("a check rule without a function")
				}
			case "parser", "loader":
				if ru.fn != nil {
					t.Error("a rule reported elsewhere has a function here")
				}
			default:
				t.Errorf("source %q", ru.Source)
			}
		})
	}
	entries, err := docFS.ReadDir("docs")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if id := strings.TrimSuffix(e.Name(), ".md"); !seen[id] {
			t.Errorf("docs/%s documents no rule", e.Name())
		}
	}
}

// TestReportedRulesKnown makes sure every rule id the parser, the loader
// and the renderer report is in the table, so check grades it and the
// documentation covers it. It reads their source: the ids are string
// literals in warn(line, rule, ...), diag(path, line, sev, rule, ...),
// Diagnostic{Rule: ...} and TimeError{rule, ...}.
func TestReportedRulesKnown(t *testing.T) {
	found := map[string]string{}
	for _, dir := range []string{"../report", "..", "../site"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			lit := func(e ast.Expr) {
				if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
					if s, err := strconv.Unquote(b.Value); err == nil {
						found[s] = fset.Position(b.Pos()).String()
					}
				}
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					switch name(n.Fun) {
					case "warn":
						if len(n.Args) > 1 {
							lit(n.Args[1])
						}
					case "diag":
						if len(n.Args) > 3 {
							lit(n.Args[3])
						}
					}
				case *ast.CompositeLit:
					switch name(n.Type) {
					case "Diagnostic", "TimeError":
						for i, e := range n.Elts {
							if kv, ok := e.(*ast.KeyValueExpr); ok {
								if name(kv.Key) == "Rule" {
									lit(kv.Value)
								}
							} else if i == 0 && name(n.Type) == "TimeError" {
								lit(e)
							}
						}
					}
				}
				return true
			})
		}
	}
	if len(found) < 10 {
		t.Fatalf("found only %d rule ids in the sources; has their form changed?", len(found))
	}
	// Rules of other commands, which never reach check.
	elsewhere := map[string]bool{
		"import": true, // hindsight import's notes on what stayed in the body
	}
	for id, at := range found {
		if _, ok := byID[id]; !ok && !elsewhere[id] {
			t.Errorf("%s: rule %q is reported but not in Rules", at, id)
		}
	}
}

func name(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2 hours 15 minutes", 2*time.Hour + 15*time.Minute, true},
		{"2 hours and 15 minutes", 2*time.Hour + 15*time.Minute, true},
		{"2h 15m", 2*time.Hour + 15*time.Minute, true},
		{"2h15m", 2*time.Hour + 15*time.Minute, true},
		{"2 hrs, 15 mins", 2*time.Hour + 15*time.Minute, true},
		{"135 min", 135 * time.Minute, true},
		{"45m", 45 * time.Minute, true},
		{"1 day 3 hours", 27 * time.Hour, true},
		{"3d 4h", 76 * time.Hour, true},
		{"2.5 hours", 150 * time.Minute, true},
		{"~2h", 2 * time.Hour, true},
		{"approximately 2 hours", 2 * time.Hour, true},
		{"2:15", 2*time.Hour + 15*time.Minute, true},
		{"2:15:30", 2*time.Hour + 15*time.Minute + 30*time.Second, true},
		{"2h 15m (from detection)", 2*time.Hour + 15*time.Minute, true},
		{"2 Hours 15 Minutes", 2*time.Hour + 15*time.Minute, true},
		{"", 0, false},
		{"two hours", 0, false},
		{"2 deploys", 0, false},
		{"2 hours or so", 0, false},
		{"2:75", 0, false},
		{"[X hours Y minutes]", 0, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDuration(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSlot(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"Name", true},
		{"Name, Role", true},
		{"Names", true},
		{"YYYY-MM-DD", true},
		{"YYYY-MM-DD HH:MM TZ", true},
		{"###", true},
		{"X hours Y minutes", true},
		{"Brief descriptive headline", true},
		{"Write 3-5 sentences for non-technical stakeholders", true},
		{"Detailed technical explanation of the incident", true},
		{"Root cause - not just proximate cause", true},
		{"Gaps in monitoring, testing, or processes", true},
		{"Event description", true},
		{"Person/Team", true},
		{"Link to notes or attach separately", true},
		{"TBD", true},
		{"ERROR", false},
		{"sic", false},
		{"redacted", false},
		{"1", false},
		{"", false},
		{" ", false},
		{"Update 2025-10-09: refunds completed", false},
		{"connection pool exhausted after 30s", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := slot(tt.in); got != tt.want {
				t.Errorf("slot(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestScanBody(t *testing.T) {
	body := strings.Join([]string{
		"# Title",                    // 10
		"",                           // 11
		"## 📝 **Executive Summary**", // 12
		"See [log](a b.log) and ![img](<x y.png>)", // 13
		"[ref]: ../other.md \"title\"",             // 14
		"**Root Cause:**",                          // 15
		"`[Name]` [Name] é TODO",                   // 16
		"```",                                      // 17
		"## Not a heading [Name]",                  // 18
		"```",                                      // 19
		"<!-- [Name]",                              // 20
		"TODO -->[Date]",                           // 21
		"[text](url(with)parens) [x] [ ] [^1]",     // 22
	}, "\n")
	b := scanBody([]byte(body), 10)

	var heads []string
	for _, h := range b.heads {
		heads = append(heads, strings.Join(h, " "))
	}
	if got, want := strings.Join(heads, "|"), "title|executive summary|root cause"; got != want {
		t.Errorf("headings = %q, want %q", got, want)
	}

	wantLinks := []link{{"a", 13, 11}, {"x y.png", 13, 32}, {"../other.md", 14, 8}, {"url(with)parens", 22, 8}}
	if len(b.links) != len(wantLinks) {
		t.Fatalf("links = %+v, want %+v", b.links, wantLinks)
	}
	for i, l := range b.links {
		if l != wantLinks[i] {
			t.Errorf("link %d = %+v, want %+v", i, l, wantLinks[i])
		}
	}

	wantHoles := []hole{{"[Name]", 16, 10}, {"TODO", 16, 19}, {"[Date]", 21, 9}}
	if len(b.holes) != len(wantHoles) {
		t.Fatalf("holes = %+v, want %+v", b.holes, wantHoles)
	}
	for i, h := range b.holes {
		if h != wantHoles[i] {
			t.Errorf("hole %d = %+v, want %+v", i, h, wantHoles[i])
		}
	}
}

func TestFindWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"TODO", 1},
		{"TODO(marco): check", 1},
		{"- TBD", 1},
		{"TBD, TBC and FIXME", 3},
		{"todo lists", 0},
		{"TODOS", 0},
		{"XTBD", 0},
		{"MY_TODO", 0},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := len(findWords(tt.in, 1)); got != tt.want {
				t.Errorf("findWords(%q) found %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

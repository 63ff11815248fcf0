package report

import (
	"bytes"
	"cmp"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adrg/frontmatter"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v3"
)

// ignoreComments leaves out the fields decodeFast does not fill:
// nothing reads comments of front matter.
var ignoreComments = cmpopts.IgnoreFields(yaml.Node{}, "HeadComment", "LineComment", "FootComment")

// checkFast is the differential check: when decodeFast takes b, yaml.v3
// must take it too and build the same tree. It reports whether the fast
// path took b.
func checkFast(t testing.TB, b []byte) bool {
	t.Helper()
	var got yaml.Node
	took := decodeFast(b, &got, nil)
	// Again with slabs from the pool, which earlier inputs' trees were
	// cut from: the same answer and the same tree.
	s := newSlabs()
	defer s.free()
	var again yaml.Node
	if decodeFast(b, &again, s) != took {
		t.Fatalf("decodeFast(%q) took it %v without slabs, %v with", b, took, !took)
	}
	if !took {
		if !gocmp.Equal(got, yaml.Node{}) || !gocmp.Equal(again, yaml.Node{}) {
			t.Fatalf("decodeFast declined %q but changed the node: %+v", b, got)
		}
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(b, &want); err != nil {
		t.Fatalf("decodeFast took %q, which yaml.v3 refuses: %v", b, err)
	}
	// cmp is slow on trees this size; reflect.DeepEqual with the
	// comments cleared is the same check and only a failure needs cmp.
	if uncomment(&want); !reflect.DeepEqual(&want, &got) {
		t.Fatalf("decodeFast(%q) differs from yaml.v3 (-want +got):\n%s", b, gocmp.Diff(&want, &got, ignoreComments))
	}
	if !reflect.DeepEqual(&want, &again) {
		t.Fatalf("decodeFast(%q) with slabs differs from yaml.v3 (-want +got):\n%s", b, gocmp.Diff(&want, &again, ignoreComments))
	}
	return true
}

func uncomment(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		uncomment(c)
	}
}

// fastCases are inputs with whether the fast path must take them.
var fastCases = []struct {
	name string
	in   string
	fast bool
}{
	{"empty", "", true},
	{"newline", "\n", true},
	{"blank lines", "\n  \n\n", true},
	{"only comments", "# a\n  # b\n\n", true},
	{"typical", `id: INC-2020-01-01-001
title: "And api data were first a team"
severity: P2
started: 2020-01-01T05:15:46+01:00
services: [reporting, tour-pages]
impact:
  users: 4109
  data_loss: false
action_items:
  - title: "Only the and watched api"
    owner: CTO
    due: 2020-02-05
    status: open
timeline:
  - at: 2020-01-01T05:15:46+01:00
    event: "All all not a staging a from"
`, true},
	{"plain", "title: Booking system outage\n", true},
	{"no final newline", "a: b", true},
	{"url", "link: http://x/y?q=1#frag\n", true},
	{"colon inside", "commander: Maria Chen: Ops\n", false},
	{"colon no space", "at: 14:00\nx: a:b\n", true},
	{"colon at end", "a: b:\n", false},
	{"comment after value", "title: a #b\n", true},
	{"hash inside value", "title: a#b\nc: C#\n", true},
	{"comment after key", "a: # c\n  b: 1\n", true},
	{"comment after quoted", "a: \"x\"   # c\n", true},
	{"hash right after quote", "a: \"x\"#c\n", false},
	{"trailing spaces", "a: b   \nc: d \n", true},
	{"inner spaces", "a: b   c\n", true},
	{"numbers", "a: 1\nb: -2\nc: 3.5\nd: 0x1F\ne: 1_000\nf: .5\ng: 1e3\nh: 0o17\ni: 012\nj: +1\n", true},
	{"bools", "a: true\nb: True\nc: TRUE\nd: yes\ne: on\nf: no\ng: off\nh: y\ni: false\n", true},
	{"nulls", "a: null\nb: ~\nc:\nd: Null\n", true},
	{"floats special", "a: .inf\nb: -.Inf\nc: .nan\n", true},
	{"timestamps", "a: 2020-01-01\nb: 2020-01-01T05:15:46+01:00\nc: 2020-01-01 05:15:46\nd: 2020-1-2\ne: 2020-01-01T05:15:46Z\n", true},
	{"double quoted", `a: "x y"` + "\n" + `b: ""` + "\n" + `c: "it's"` + "\n", true},
	{"double escapes", `a: "q\"q \\ \n \t \0 \a \b \v \f \r \e \  \' \N \_ \L \P"` + "\n", true},
	{"hex escapes", `a: "\x41\u00e9\U0001F600\x7f\u2028"` + "\n", true},
	{"bad hex escape", `a: "\xZ1"` + "\n", false},
	{"surrogate escape", `a: "\ud800"` + "\n", false},
	{"short escape", `a: "\u12"` + "\n", false},
	{"slash escape", `a: "\/"` + "\n", false},
	{"unknown escape", `a: "\q"` + "\n", false},
	{"escaped newline", "a: \"x\\\n  y\"\n", false},
	{"single quoted", "a: 'x y'\nb: ''\nc: 'it''s'\nd: ''''\ne: 'a\"b'\n", true},
	{"single quoted backslash", `a: 'a\nb'` + "\n", true},
	{"quoted numbers", "a: \"1\"\nb: 'true'\nc: \"\"\n", true},
	{"unicode", "title: Café ☕ outage 🚀\nauthor: Tomás Requena\nκλειδί: τιμή\n", true},
	{"unicode before value", "é: x\nüé: [a, \"b\"]\n", true},
	{"nbsp", "a: x\u00a0\n", true},
	{"flow", "a: [x, y]\nb: []\nc: [ ]\nd: [ x ,y ]\ne: [\"q\", 'r', s t]\n", true},
	{"flow numbers", "a: [1, 2.5, true, null, 2020-01-01]\n", true},
	{"flow trailing comma", "a: [x, y,]\n", false},
	{"flow empty item", "a: [x,,y]\n", false},
	{"flow comment", "a: [x] # c\n", true},
	{"flow multiline", "a: [x,\n  y]\n", false},
	{"flow colon", "a: [x: y]\n", false},
	{"flow nested", "a: [[x]]\n", false},
	{"flow mapping", "a: {x: y}\n", true},
	{"flow mapping in seq", "a:\n  - {role: CTO, name: Sam}\n", true},
	{"flow mapping reviewers", "reviewers:\n  - {role: CTO, name: Sam Ortiz, approved: 2025-10-13}\n  - {role: SRE lead, name: \"Ana Ruiz\", approved: }\n", true},
	{"flow mapping indentless", "reviewers:\n- {role: CTO, name: Sam Ortiz}\n- {role: 'SRE', name: x}\nb: 1\n", true},
	{"flow mapping value", "meeting: {at: 2025-10-14 10:00, notes: x}\n", true},
	{"flow mapping empty", "a: {}\nb: { }\nc:\n  - {}\n", true},
	{"flow mapping spaces", "a: {  x: y  ,z:   w  }\nb: {x: y}   # c\n", true},
	{"flow mapping empty values", "a: {x: , y: }\nb: {x:  ,y: 1}\nc: {x: }\n", true},
	{"flow mapping types", "a: {i: 1, f: 1.5, b: true, n: null, t: ~, d: 2020-01-01, ts: 2020-01-01T05:15:46Z, o: 012, h: 0x1F, y: yes, e: .inf}\n", true},
	{"flow mapping quoted", "a: {\"x y\": 'it''s', 'k': \"\\u00e9\\t\", \"\": ''}\n", true},
	{"flow mapping colons", "a: {at: 10:00:00, u: http://x/y, x:y: z}\n", true},
	{"flow mapping unicode", "a: {é: ☕ café, κ: \"τ\"}\n", true},
	{"flow mapping key types", "a: {1: a, true: b, null: c, 2020-01-01: d}\n", true},
	{"flow mapping inner", "a: {x: a b  c, y: a#b, z: (p) q.r/s}\n", true},
	{"flow mapping duplicate keys", "a: {x: 1, x: 2}\n", true},
	{"flow mapping nested seq", "a: {x: [y]}\n", false},
	{"flow mapping nested map", "a: {x: {y: z}}\n", false},
	{"flow mapping in flow seq", "a: [{x: y}]\n", false},
	{"flow mapping multiline", "a: {x: y,\n  z: w}\n", false},
	{"flow mapping unclosed", "a: {x: y\n", false},
	{"flow mapping question", "a: {? x: y}\nb: {x?: y}\n", false},
	{"flow mapping question value", "a: {x: y?z}\n", false},
	{"flow mapping colon no space", "a: {x:y}\n", false},
	{"flow mapping colon before brace", "a: {x: y:}\n", false},
	{"flow mapping colon before comma", "a: {x: y:, z: w}\n", false},
	{"flow mapping value colon space", "a: {x: y: z}\n", false},
	{"flow mapping json key", "a: {\"x\":y}\n", false},
	{"flow mapping key space colon", "a: {x : y}\n", false},
	{"flow mapping trailing comma", "a: {x: y,}\nb: {x: y, }\n", false},
	{"flow mapping empty entry", "a: {x: y,, z: w}\n", false},
	{"flow mapping key only", "a: {x, y: z}\nb: {x}\n", false},
	{"flow mapping empty key", "a: {: y}\n", false},
	{"flow mapping anchor", "a: {x: &a y}\nb: {&a x: y}\n", false},
	{"flow mapping alias", "a: {x: *a}\n", false},
	{"flow mapping tag", "a: {x: !!str y}\n", false},
	{"flow mapping dash", "a: {x: -1}\nb: {-x: y}\n", false},
	{"flow mapping comment", "a: {x: y #c}\n", false},
	{"flow mapping after", "a: {x: y} z\n", false},
	{"flow mapping as key", "{x: y}: z\n", false},
	{"flow mapping key in item", "- {x: y}: z\n", false},
	{"flow mapping root", "{x: y}\n", false},
	{"flow mapping quote after", "a: {x: \"y\"z}\n", false},
	{"flow mapping brackets in value", "a: {x: y]}\nb: {x: y{}\n", false},
	{"flow mapping merge", "a: {<<: x}\n", false},
	{"flow mapping then indented", "a: {x: y}\n  b: c\n", false},
	{"flow mapping long key", "a: {" + strings.Repeat("k", 1100) + ": v}\n", false},
	{"flow after", "a: [x] y\n", false},
	{"block mapping", "a:\n  b: 1\n  c: 2\nd: 3\n", true},
	{"three deep", "a:\n  b:\n    c:\n      d: 1\n    e: 2\n  f: 3\ng: 4\n", true},
	{"odd indent", "a:\n   b: 1\n   c:\n     - x\n", true},
	{"indented root", "  a: 1\n  b: 2\n", true},
	{"indented root then less", "  a: 1\nb: 2\n", false},
	{"block sequence", "a:\n  - x\n  - y\n", true},
	{"indentless sequence", "a:\n- x\n- y\nb: 1\n", true},
	{"indentless in item", "- a:\n  - x\n  b: 1\n- c\n", true},
	{"sequence of mappings", "a:\n  - b: 1\n    c: 2\n  - d: 3\n", true},
	{"indentless mappings", "a:\n- b: 1\n  c: 2\n- d: 3\ne: 4\n", true},
	{"item wide", "a:\n  -   b: 1\n      c: 2\n", true},
	{"item on next line", "a:\n  -\n    b: 1\n  -\n  - x\n", true},
	{"empty items", "a:\n- \n-\nb:\n", true},
	{"nested sequences", "- - x\n  - y\n- z\n", true},
	{"root sequence", "- a\n- b: 1\n", true},
	{"root scalar", "hello\n", false},
	{"root quoted", "\"hello\"\n", false},
	{"empty then less", "a:\n  b:\nc: 1\n", true},
	{"empty then key", "a:\nb: 1\n", true},
	{"empty at end", "a: 1\nb:", true},
	{"duplicate keys", "a: 1\na: 2\n", true},
	{"quoted keys", "\"a b\": 1\n'c': 2\n\"\": 3\n", true},
	{"key types", "1: a\ntrue: b\nnull: c\n2020-01-01: d\n", true},
	{"key spaces", "first name: a\n", true},
	{"key space before colon", "a : b\n", false},
	{"key with hash", "a#b: c\n", true},
	{"key comment", "a #b: c\n", false},
	{"dash key", "-a: b\n", true},
	{"dash value", "a: -b\nc: -1\n", true},
	{"dash alone", "a: -\n", false},
	{"dash entry value", "a: - b\n", false},
	{"merge key", "<<: a\n", false},
	{"merge value", "a: <<\n", false},
	{"long key", strings.Repeat("k", 1100) + ": v\n", false},
	{"long value", "k: " + strings.Repeat("v", 5000) + "\n", true},
	{"more indented comment", "a: b\n    # c\nd: e\n", true},
	{"comment between items", "a:\n  # c\n  - x\n  # d\n  - y\n# e\nb: 1\n", true},
	{"comment head of entry", "a:\n  - # c\n    - x\n", true},
	{"multi-line plain", "title: a\n  b\n", false},
	{"multi-line plain after blank", "title: a\n\n  b\n", false},
	{"multi-line item", "- a\n  b\n", false},
	{"value on next line", "a:\n  b\n", false},
	{"multi-line quoted", "a: \"x\n  y\"\n", false},
	{"multi-line single", "a: 'x\n  y'\n", false},
	{"unclosed quote", "a: \"x\n", false},
	{"after quote", "a: \"x\" y\n", false},
	{"mapping in value", "a: b: c\n", false},
	{"bad indent", "a:\n  b: 1\n c: 2\n", false},
	{"bad indent item", "- a: 1\n b: 2\n", false},
	{"over indent", "a: 1\n  b: 2\n", false},
	{"key after sequence", "a:\n  - x\n  b: 1\n", false},
	{"entry after value", "a: 1\n- x\n", false},
	{"not a key", "a: 1\nb\n", false},
	{"tab indent", "a:\n\tb: 1\n", false},
	{"tab value", "a: b\tc\n", false},
	{"carriage return", "a: b\r\nc: d\r\n", false},
	{"nul", "a: \x00\n", false},
	{"del", "a: \x7f\n", false},
	{"c1 control", "a: \u0085\n", false},
	{"bom", "\ufeffa: b\n", false},
	{"bom inside", "a: b\ufeff\n", false},
	{"line separator", "a: b\u2028c\n", false},
	{"invalid utf8", "a: \xff\n", false},
	{"anchor", "a: &x b\nc: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"literal", "a: |\n  x\n", false},
	{"folded", "a: >\n  x\n", false},
	{"complex key", "? a\n: b\n", false},
	{"directive", "%YAML 1.2\n---\na: 1\n", false},
	{"document start", "--- \na: 1\n", false},
	{"document end", "a: 1\n...\n", false},
	{"second document", "a: 1\n---\nb: 2\n", false},
	{"reserved", "a: @x\nb: `x\n", false},
	{"percent value", "a: %x\n", false},
	{"question value", "a: ?x\n", false},
	{"colon value", "a: :x\n", false},
	{"comma value", "a: ,x\n", false},
	{"bracket inside plain", "a: b [c] {d}, e\n", true},
	{"quote inside plain", "a: it's \"x\"\n", true},
	{"deep", strings.Repeat("- ", 100) + "x\n", false},
	// Front matter that decides visibility in odd ways: both paths must
	// build the tree fromYAML fails closed on (see TestFastYAMLPrivacy).
	{"visibility flow list", "visibility: [internal]\n", true},
	{"visibility flow mapping", "visibility: {a: b}\n", true},
	{"visibility null", "visibility:\ntitle: t\n", true},
	{"visibility empty quoted", "visibility: \"\"\nb: '  '\n", true},
	{"visibility null tag", "visibility: !!null public\n", false},
	{"capitalised keys", "Visibility: internal\nSECURITY: {Incident: yes}\n", true},
	{"quoted key spaces", "\" visibility \": internal\n", true},
	{"visibility twice", "visibility: internal\nvisibility: public\n", true},
	{"security scalar", "security: true\n", true},
	{"security twice", "security: {incident: true}\nsecurity: {incident: false}\n", true},
	{"incident values", "security:\n  incident: 1\n  incident: [false]\n  incident:\n  incident: \"maybe\"\n", true},
	{"visibility nested", "impact:\n  users: 3\n  visibility: internal\n", true},
	{"visibility merged", "d: &d\n  visibility: internal\n<<: *d\n", false},
}

func TestFastYAML(t *testing.T) {
	for _, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkFast(t, []byte(c.in)); got != c.fast {
				var n yaml.Node
				t.Errorf("fast path took it: %v, want %v (yaml.v3: %v)", got, c.fast, yaml.Unmarshal([]byte(c.in), &n))
			}
		})
	}
}

// TestFastYAMLPrivacy checks that the reports whose visibility fails
// closed read the same with and without the fast path: the same tree
// from both decoders, and the same report, visibility and diagnostics
// included, from Parse.
func TestFastYAMLPrivacy(t *testing.T) {
	for _, c := range privacyCases {
		t.Run(c.name, func(t *testing.T) {
			if fm, _, found := splitFront(Normalize([]byte(c.src))); found {
				checkFast(t, fm)
			}
			sameParse(t, privacyPath, []byte(c.src))
		})
	}
}

// TestFastYAMLContentCap checks that appending to one node's Content
// cannot overwrite another's: they share a slab.
func TestFastYAMLContentCap(t *testing.T) {
	var n yaml.Node
	if !decodeFast([]byte("a: [x]\nb: [y]\n"), &n, newSlabs()) {
		t.Fatal("declined")
	}
	m := n.Content[0]
	a, b := m.Content[1], m.Content[3]
	a.Content = append(a.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "z"})
	if b.Content[0].Value != "y" || len(m.Content) != 4 {
		t.Fatalf("append overwrote a neighbour: %v", b.Content[0].Value)
	}
}

// reportFiles is every Markdown file of the repository's reports and of
// the generator's test data.
func reportFiles(t testing.TB) []string {
	var files []string
	for _, root := range []string{"../../docs/incident-reports", ".."} {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if root == ".." && !strings.Contains(filepath.ToSlash(p), "/testdata/") {
				return nil
			}
			if !e.IsDir() && strings.HasSuffix(p, ".md") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) == 0 {
		t.Fatal("no reports found")
	}
	return files
}

// fmBytes returns the bytes Parse hands to YAML for data, or nil
// when data has no front matter or yaml.v3 refuses it.
func fmBytes(data []byte) []byte {
	data = bytes.ToValidUTF8(Normalize(data), []byte("\uFFFD"))
	var fm []byte
	format := frontmatter.NewFormat("---", "---", func(b []byte, v any) error {
		fm = b
		return yaml.Unmarshal(b, v)
	})
	var n yaml.Node
	if _, err := frontmatter.Parse(bytes.NewReader(data), &n, format); err != nil {
		return nil
	}
	return bytes.Clone(fm)
}

// TestFastYAMLReports checks that real reports take the fast path and
// that Parse returns the same with and without it. The one construct
// they use outside the fast path's subset is a flow collection inside a
// flow mapping ("meeting: {at: ..., attendees: [Maria Chen]}"): only the
// reports listed in nestedFlow have one, their front matter must go to
// yaml.v3, and must take the fast path without those lines.
func TestFastYAMLReports(t *testing.T) {
	nestedFlow := map[string]bool{
		"../testdata/fixture/docs/incident-reports/2025/INC-2025-10-08-001-booking-outage.md": true,
	}
	fast, slow := 0, 0
	for _, p := range reportFiles(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if fm := fmBytes(data); fm != nil {
			nested := nestedFlow[filepath.ToSlash(p)]
			switch took := checkFast(t, fm); {
			case took && !nested:
				fast++
			case took:
				t.Errorf("%s: front matter took the fast path, but is listed in nestedFlow", p)
			case !nested:
				t.Errorf("%s: front matter does not take the fast path", p)
			default:
				slow++
				var rest []byte
				for _, l := range bytes.SplitAfter(fm, []byte("\n")) {
					if !nestedFlowLine(l) {
						rest = append(rest, l...)
					}
				}
				if len(rest) == len(fm) {
					t.Errorf("%s: listed in nestedFlow, but has no flow collection inside a flow mapping", p)
				}
				if !checkFast(t, rest) {
					t.Errorf("%s: front matter without its nested flow collections does not take the fast path", p)
				}
			}
		}
		sameParse(t, p, data)
	}
	if slow != len(nestedFlow) {
		t.Errorf("%d front matters with nested flow collections found, want %d", slow, len(nestedFlow))
	}
	t.Logf("%d front matters took the fast path, %d have nested flow collections and did not", fast, slow)
}

// nestedFlowLine reports whether line l has a "[" or "{" after a "{".
func nestedFlowLine(l []byte) bool {
	i := bytes.IndexByte(l, '{')
	return i >= 0 && bytes.ContainsAny(l[i+1:], "[{")
}

// sameParse checks that Parse returns the same with and without the
// fast path.
func sameParse(t testing.TB, p string, data []byte) {
	t.Helper()
	defer func(on bool) { fastYAML = on }(fastYAML)
	fastYAML = true
	got, gerr := Parse(p, data, opts())
	fastYAML = false
	want, werr := Parse(p, data, opts())
	if diff := gocmp.Diff(werr, gerr); diff != "" {
		t.Fatalf("%s: errors differ (-yaml.v3 +fast):\n%s", p, diff)
	}
	if diff := gocmp.Diff(want, got, reportCmp...); diff != "" {
		t.Fatalf("%s: reports differ (-yaml.v3 +fast):\n%s", p, diff)
	}
}

var reportCmp = []gocmp.Option{
	// fromYAML walks a map, so diagnostics come in no fixed order.
	cmpopts.SortSlices(func(a, b Diagnostic) bool {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message)) < 0
	}),
	gocmp.Comparer(func(a, b time.Time) bool {
		return a.Equal(b) && a.Location().String() == b.Location().String()
	}),
}

func FuzzFastYAML(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c.in))
	}
	for _, p := range reportFiles(f) {
		if data, err := os.ReadFile(p); err == nil {
			if fm := fmBytes(data); fm != nil {
				f.Add(fm)
			}
		}
	}
	for _, c := range privacyCases {
		if fm, _, found := splitFront([]byte(c.src)); found {
			f.Add(fm)
		}
	}
	g := &fmGen{r: rand.New(rand.NewPCG(3, 4))}
	for range 200 {
		f.Add(g.gen())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFast(t, b)
	})
}

// typicalFM is the front matter of a typical generated report.
const typicalFM = `id: INC-2019-12-19-003
title: "A and booking failed production from production"
severity: P1
status: final
started: 2019-12-19T14:52:35+05:30
detected: 2019-12-19T15:22:35+05:30
resolved: 2019-12-20T00:29:35+05:30
commander: "Hana Sato, Incident Commander"
services: [cdn, database, reporting]
tags: [config]
impact:
  users: 3315
  revenue: 34942
  data_loss: false
action_items:
  - title: "The a changed changed to"
    owner: Operations Manager
    due: 2020-01-01
    status: wont-do
    priority: P0
  - title: "Team changed and alert data were the rolled so customers"
    owner: Security Team
    due: 2019-12-21
    status: done
    priority: P0
  - title: "Api booking were so while"
    owner: Customer Support
    due: 2020-02-09
    status: wont-do
    priority: P0
timeline:
  - at: 2019-12-19T14:52:35+05:30
    event: "Signal only only to all rolled"
    who: CTO
  - at: 2019-12-19T14:58:35+05:30
    event: "Watched deploy were returned requests the staging the"
    who: Security Team
  - at: 2019-12-19T15:12:35+05:30
    event: "Not errors were staging server team"
    who: Engineering Lead
  - at: 2019-12-19T15:29:35+05:30
    event: "The did errors errors api server"
    who: SRE Team
`

func BenchmarkFrontMatter(b *testing.B) {
	in := []byte(typicalFM)
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var n yaml.Node
			if err := yaml.Unmarshal(in, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var n yaml.Node
			s := newSlabs()
			if !decodeFast(in, &n, s) {
				b.Fatal("declined")
			}
			s.free()
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data := []byte("---\n" + typicalFM + "---\n\n# Summary\n\nThe booking API failed.\n")
	benchParse(b, "docs/incident-reports/2019/INC-2019-12-19-003.md", data)
}

// benchParse parses data with yaml.v3 alone and with the fast path.
func benchParse(b *testing.B, path string, data []byte) {
	for _, on := range []bool{false, true} {
		name := "yaml.v3"
		if on {
			name = "fast"
		}
		b.Run(name, func(b *testing.B) {
			defer func(was bool) { fastYAML = was }(fastYAML)
			fastYAML = on
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(path, data, opts()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fmGen builds random front matter, mostly within the fast path's
// subset, then perturbs it, so that inputs sit near the subset's edges:
// odd but valid indentation, invalid nesting, comments anywhere.
type fmGen struct {
	r *rand.Rand
	b []byte
}

var (
	genKeys   = []string{"a", "b", "key", `"q k"`, "'s'", "1", "-k", "é", "a b", "a#b", "true", "x:y"}
	genValues = []string{
		"x", "x y", "1", "09", "1.5", "-1", "true", "yes", "~", "null", "2020-01-01", "2020-02-30",
		"2020-01-01T05:15:46+01:00", "2020-01-01T05:15:46Z", "2020-01-01 05:15", "2020-01-01T24:00:00Z",
		`"q"`, `"a\tb"`, `"\u00e9\x41"`, "'it''s'", "''", `""`, "[a, b]", "[]", `["x", 'y', 1]`, "[ a ,b ]",
		"x # c", "# c", "", "x:y", "http://x", "é ☕", "x  ", "0x1F", ".inf", "+1", "012", "1_000", "-.5", "1e3",
		"{a: b}", "{}", "{ }", "{role: CTO, name: Sam Ortiz, approved: 2025-10-13}", `{role: SRE lead, name: "Ana Ruiz", approved: }`,
		"{at: 2025-10-14 10:00, notes: x}", "{ a: 1 ,b: true ,'c': ~, \"d\": }", "{x:y: z, u: http://x}",
	}
	genBad = []string{
		"[a,]", "a: b", "-", "- x", "[a", `"x`, "{a: [b]}", "{a:b}", "{a: b,}", "{a, b: c}", "&a x", "*a", "|", ">", "!t x", "<<", "x:", "%x", "@x", "? x", `"x"y`, "[a] b", `"\/"`,
	}
)

func (g *fmGen) value() string {
	if g.r.IntN(30) == 0 {
		return genBad[g.r.IntN(len(genBad))]
	}
	return genValues[g.r.IntN(len(genValues))]
}

func (g *fmGen) line(ind int, s string) {
	g.b = append(g.b, strings.Repeat(" ", ind)...)
	g.b = append(g.b, s...)
	g.b = append(g.b, '\n')
}

// node writes a block collection at column c; first is what goes before
// its first line instead of indentation ("- " when it is an entry's).
func (g *fmGen) node(c, depth int, first string) {
	seq := g.r.IntN(3) == 0
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		pre, ind := strings.Repeat(" ", c), 0
		if first != "" {
			pre, ind, first = first, 0, ""
		}
		if seq {
			pre += "-"
			switch k := g.r.IntN(6); {
			case k == 0 || depth > 3:
				g.line(ind, pre+" "+g.value())
			case k == 1:
				g.line(ind, pre)
				if g.r.IntN(2) == 0 {
					g.node(c+1+g.r.IntN(3), depth+1, "")
				}
			default:
				g.node(c+1+1+g.r.IntN(2), depth+1, pre+strings.Repeat(" ", 1+g.r.IntN(2)))
			}
			continue
		}
		k := genKeys[g.r.IntN(len(genKeys))] + ":"
		switch v := g.r.IntN(6); {
		case v < 3 || depth > 3:
			g.line(ind, pre+k+" "+g.value())
		case v == 3:
			g.line(ind, pre+k)
		case v == 4:
			g.line(ind, pre+k)
			g.node(c+1+g.r.IntN(3), depth+1, "")
		default:
			g.line(ind, pre+k)
			g.node(c, depth+1, strings.Repeat(" ", c)+"-")
			// an indentless sequence: the node's first line starts "-"
		}
	}
}

func (g *fmGen) gen() []byte {
	g.b = g.b[:0]
	g.node(g.r.IntN(2), 0, "")
	lines := strings.SplitAfter(string(g.b), "\n")
	for n := g.r.IntN(3); n > 0; n-- {
		i := g.r.IntN(len(lines))
		switch g.r.IntN(4) {
		case 0:
			lines[i] = strings.Repeat(" ", g.r.IntN(6)) + "# c\n" + lines[i]
		case 1:
			lines[i] = "\n" + lines[i]
		case 2:
			lines[i] = " " + lines[i]
		default:
			lines[i] = strings.TrimPrefix(lines[i], " ")
		}
	}
	return []byte(strings.Join(lines, ""))
}

func TestFastYAMLRandom(t *testing.T) {
	g := &fmGen{r: rand.New(rand.NewPCG(1, 2))}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	fast := 0
	for range n {
		if checkFast(t, g.gen()) {
			fast++
		}
	}
	t.Logf("%d of %d took the fast path", fast, n)
}

// BenchmarkParseHandWritten parses a hand-written report whose reviewers
// are one-line flow mappings.
func BenchmarkParseHandWritten(b *testing.B) {
	const p = "../../docs/incident-reports/2024/INC-2024-02-14-001-expired-api-tls-certificate.md"
	data, err := os.ReadFile(p)
	if err != nil {
		b.Skip(err)
	}
	benchParse(b, p, data)
}

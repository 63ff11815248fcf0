package report

import (
	"bytes"
	"testing"

	"github.com/adrg/frontmatter"
)

// libraryFront is splitFront as github.com/adrg/frontmatter reads a
// "---" format, the reader hindsight used before: the reference
// splitFront must agree with.
func libraryFront(data []byte) (fm, body []byte, found bool) {
	format := frontmatter.NewFormat("---", "---", func(b []byte, _ any) error {
		fm, found = bytes.Clone(b), true
		return nil
	})
	body, err := frontmatter.Parse(bytes.NewReader(data), new(any), format)
	if err != nil {
		panic(err) // reading from memory with a decoder that never fails
	}
	if !found {
		fm = nil
	}
	return fm, body, found
}

var frontCases = []string{
	"",
	"---",
	"---\n",
	"---\n---",
	"---\n---\n",
	"---\n---\nbody",
	"\n\n---\nid: A\n---\n# Body\n",
	"  \t\n--- \nid: A\n  ---\t\nbody",
	"---\r\nid: A\r\n---\r\nbody\r\n",
	"\u00a0---\u2028\nid: A\n---\n",
	"----\nid: A\n---\n",
	"--- x\nid: A\n---\n",
	"# Title\n---\nid: A\n---\n",
	"---\nid: A\nnever closed\n",
	"---\nid: A\n---",
	"---\nid: A\n--- \n",
	"---\nid: A\n...\n---\nmore\n---\n",
	"\ufeff---\nid: A\n---\n",
	"\n",
	"x",
}

func TestSplitFront(t *testing.T) {
	for _, in := range frontCases {
		t.Run("", func(t *testing.T) { checkFront(t, []byte(in)) })
	}
}

func checkFront(t *testing.T, data []byte) {
	t.Helper()
	fm, body, found := splitFront(data)
	wfm, wbody, wfound := libraryFront(data)
	if found != wfound || !bytes.Equal(fm, wfm) || !bytes.Equal(body, wbody) {
		t.Fatalf("splitFront(%q) = %q, %q, %v; the library reads %q, %q, %v", data, fm, body, found, wfm, wbody, wfound)
	}
}

func FuzzSplitFront(f *testing.F) {
	for _, in := range frontCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFront(t, data) })
}

package report

import (
	"strings"
	"testing"
)

func TestAttachmentProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // a part of the problem; "" when the file may be published
	}{
		{"rollback.sql", ""},
		{"shots/graph.PNG", ""},
		{"./trace.json.gz", ""},
		{"logs/api 10-00.log", ""},
		{"", "is empty"},
		{"  ", "is empty"},
		{"index.html", "is a .html file"},
		{"INDEX.HTM", "is a .htm file"},
		{"drawing.svg", "is a .svg file"},
		{"app.js", "is a .js file"},
		{"feed.xml", "is a .xml file"},
		{"page.xhtml", "is a .xhtml file"},
		{"run.php", "is a .php file"},
		{"archive.mhtml", "is a .mhtml file"},
		{"notes.md", "is Markdown"},
		{"INC-2024-01-01-001.MD", "is Markdown"},
		{"README", "has no file type"},
		{".htaccess", "hidden file"},
		{"x/.well-known/a.txt", "hidden file"},
		{"../secret.txt", "in the report's folder"},
		{"a/../../secret.txt", "in the report's folder"},
		{"/etc/passwd.txt", "in the report's folder"},
		{".", "in the report's folder"},
		{"https://example.org/a.png", "web address"},
		{"JavaScript:alert(1)", "web address"},
		{"//evil.example/a.png", "web address"},
		{`a\b.png`, "use / between folders"},
		{"a\x00.png", "use / between folders"},
		{"index.html/x.png", "folder named index.html"},
		{"shots/Index.HTML/x.png", "folder named index.html"},
		{"index.html.d/x.png", ""},
		{"e.php.txt", "has a .php part"},
		{"x.html.gz", "has a .html part"},
		{"logs.2025.tar.gz", ""},
		{"v1.2.3.zip", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AttachmentProblem(tc.name)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("AttachmentProblem(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}

func TestFileNames(t *testing.T) {
	got := FileNames([]byte("See notice.pdf. And **bold.pdf**, _it.pdf_, colon.pdf: bang.pdf! q.pdf? `code.txt`\n" +
		`<a href="raw.txt">x</a> [ref]: ref.log "t" ![i](shots/a.png) ../up.txt https://x.org/w.png page.html v1.2`))
	want := []string{"notice.pdf", "bold.pdf", "it.pdf", "colon.pdf", "bang.pdf", "q.pdf", "code.txt", "raw.txt", "ref.log", "shots/a.png"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("FileNames = %q, want %q", got, want)
	}
}

package site

import (
	"bytes"
	"strings"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// buildChromaCSS writes the code highlighting colours for both schemes:
// light by default, dark under prefers-color-scheme unless the reader
// chose light, and dark whenever the reader chose dark.
func buildChromaCSS() []byte {
	f := html.New(html.WithClasses(true))
	var light, dark bytes.Buffer
	_ = f.WriteCSS(&light, styles.Get("github"))
	_ = f.WriteCSS(&dark, styles.Get("github-dark"))
	var out bytes.Buffer
	out.WriteString("/* code highlighting: generated from chroma's github and github-dark styles */\n")
	out.Write(light.Bytes())
	// Dark colours are for screens only: paper is white whatever the
	// reader chose.
	out.WriteString("@media screen and (prefers-color-scheme: dark) {\n")
	out.WriteString(prefix(dark.String(), `html:not([data-theme="light"]) `))
	out.WriteString("}\n@media screen {\n")
	out.WriteString(prefix(dark.String(), `html[data-theme="dark"] `))
	out.WriteString("}\n")
	// Lexers flag what they do not know (SQL's $1 parameters, a
	// language's newer syntax) as errors; in a post-mortem that is noise,
	// not a finding, so it is shown as plain text.
	out.WriteString(".chroma .err { color: inherit; background: none; }\n")
	return out.Bytes()
}

// prefix puts p before the selector of every rule line.
func prefix(css, p string) string {
	var b strings.Builder
	for _, line := range strings.Split(css, "\n") {
		i := strings.Index(line, "*/ ")
		if strings.Contains(line, "{") && i >= 0 {
			line = line[:i+3] + p + line[i+3:]
		} else if strings.Contains(line, "{") {
			line = p + line
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

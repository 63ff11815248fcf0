// Package themes embeds the default theme: the templates under
// default/layouts and the CSS, JavaScript and icons under default/static.
// Code takes any fs.FS, so a site folder can override it file by file.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed all:default
var files embed.FS

// Default is the embedded default theme, rooted at its folder: it holds
// layouts/ and static/.
func Default() fs.FS {
	sub, err := fs.Sub(files, "default")
	if err != nil {
		panic(err) // the embedded path is fixed at compile time
	}
	return sub
}

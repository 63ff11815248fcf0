package report

import (
	"path"
	"strings"
)

// attachTypes are the file types published beside a report's page. The
// page is served from the site's own origin, so a file a browser would
// open as a document (HTML, SVG, XML and its many dialects) or load as a
// script could run in the site's name; hosts that run server-side code
// would run PHP or CGI files. Rather than list every dangerous type,
// only types a browser shows, plays or downloads are published; anything
// else can be attached inside a .zip.
var attachTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, ext := range strings.Fields(`
		png jpg jpeg gif webp avif bmp tif tiff heic
		pdf txt text log out err csv tsv json jsonl ndjson yaml yml toml ini conf cfg properties
		sql diff patch har trace rtf doc docx xls xlsx ppt pptx odt ods odp
		sh bash ps1 py go rb java kt rs c h cc cpp tf hcl proto graphql lua
		pcap pcapng pprof prof hprof jfr heapsnapshot
		zip gz tgz tar bz2 xz zst 7z
		mp4 webm mov m4v mp3 wav ogg m4a flac`) {
		m["."+ext] = true
	}
	return m
}()

// activeTypes are types a server runs or a browser opens as part of the
// site, looked for inside a name ("a.php.txt").
var activeTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, ext := range strings.Fields(`html htm xhtml shtml mhtml svg svgz xml xsl xslt js mjs
		php php3 php4 php5 php7 phtml phar cgi pl asp aspx jsp jspx cfm`) {
		m["."+ext] = true
	}
	return m
}()

// AttachmentProblem says why the file name rel, relative to a report's
// folder, may not be published beside the report's page, or "" when it
// may. It looks at the name only; whether the file is there is the
// caller's to find out.
func AttachmentProblem(rel string) string {
	if strings.TrimSpace(rel) == "" {
		return "is empty"
	}
	if strings.HasPrefix(rel, "//") || hasScheme(rel) {
		return "is a web address, not a file; link it from the report's text instead"
	}
	if strings.ContainsAny(rel, "\\\x00") {
		return "is not a file name: use / between folders"
	}
	clean := path.Clean(rel)
	if path.IsAbs(rel) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "must be a file in the report's folder, named relative to it"
	}
	parts := strings.Split(clean, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ".") {
			return "is a hidden file or folder; hosts treat such names as their own configuration"
		}
		// The report's page is index.html in the same folder: a folder
		// of that name would take the page's place.
		if i < len(parts)-1 && strings.EqualFold(part, "index.html") {
			return "is in a folder named index.html, which is the report's page"
		}
	}
	ext := strings.ToLower(path.Ext(clean))
	// Apache runs a.php.txt as PHP when PHP is a handler, and nginx's
	// gzip_static serves a.html.gz as the page a.html: a type a browser
	// or server would run counts wherever it stands in the name.
	base := strings.ToLower(path.Base(clean))
	for _, part := range strings.Split(base, ".")[1:] {
		if inner := "." + part; inner != ext && activeTypes[inner] {
			return "has a " + inner + " part in its name, which some servers run or serve as a page; put it in a .zip to publish it"
		}
	}
	switch {
	case ext == ".md" || ext == ".markdown":
		return "is Markdown, which may be another report; link the report from the text instead"
	case ext == "":
		return "has no file type, so hosts cannot tell how to serve it"
	case !attachTypes[ext]:
		return "is a " + ext + " file, which a browser could run as part of the site; put it in a .zip to publish it"
	}
	return ""
}

// hasScheme says whether s starts with a URL scheme ("https:", "file:").
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// Package htmlcheck tells whether HTML could run script that is not the
// theme's own; the tests of every package that writes HTML use it.
package htmlcheck

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// Check tokenizes r as a browser would and returns an error for the
// first script element that is not a theme asset (assets/*.js), event
// handler attribute, element that can run or embed active content, or
// link, image or frame to a javascript:, vbscript: or data: address.
// Escaped text never counts: only real elements and attributes do.
func Check(r io.Reader) error {
	z := html.NewTokenizer(r)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return nil
			}
			return z.Err()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		src := ""
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			// Browsers drop whitespace and control characters inside a
			// scheme, and schemes are case-insensitive.
			val := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= ' ' {
					return -1
				}
				return r
			}, a.Val))
			if strings.HasPrefix(key, "on") {
				return fmt.Errorf("<%s %s=%q>: event handler", tok.Data, a.Key, a.Val)
			}
			if key == "src" {
				src = a.Val
			}
			switch key {
			case "href", "src", "action", "formaction", "srcdoc", "xlink:href", "poster":
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(val, scheme) && !(key == "src" && strings.HasPrefix(val, "data:image/")) {
						return fmt.Errorf("<%s %s=%q>: %s address", tok.Data, a.Key, a.Val, scheme)
					}
				}
			}
		}
		switch tok.Data {
		case "script":
			if !strings.Contains(src, "assets/") || !strings.HasSuffix(src, ".js") {
				return fmt.Errorf("<script src=%q>: not a theme asset", src)
			}
		case "iframe", "object", "embed", "base", "form", "frame", "frameset", "applet", "meta":
			if tok.Data == "meta" && !refresh(tok) {
				continue
			}
			return fmt.Errorf("<%s>: active or embedding element", tok.Data)
		}
	}
}

// refresh reports whether a meta element redirects (http-equiv refresh).
func refresh(tok html.Token) bool {
	for _, a := range tok.Attr {
		if strings.EqualFold(a.Key, "http-equiv") && strings.EqualFold(strings.TrimSpace(a.Val), "refresh") {
			return true
		}
	}
	return false
}

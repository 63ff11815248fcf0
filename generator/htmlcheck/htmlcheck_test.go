package htmlcheck

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		html string
		ok   bool
	}{
		{`<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=x</p>`, true},
		{`<script src="../assets/hindsight.js"></script><a href="https://x">x</a><img src="data:image/png;base64,AA">`, true},
		{`<meta name="viewport" content="width=device-width">`, true},
		{`<script>alert(1)</script>`, false},
		{`<img src=x onerror=alert(1)>`, false},
		{`<a href="JaVa&#x09;Script:alert(1)">x</a>`, false},
		{`<a href=" javascript:alert(1)">x</a>`, false},
		{`<iframe src="x"></iframe>`, false},
		{`<a href="data:text/html,x">x</a>`, false},
		{`<meta http-equiv="refresh" content="0;url=javascript:x">`, false},
		{`<svg><a xlink:href="javascript:x">x</a></svg>`, false},
	} {
		err := Check(strings.NewReader(tc.html))
		if (err == nil) != tc.ok {
			t.Errorf("Check(%q) = %v, want ok=%v", tc.html, err, tc.ok)
		}
	}
}

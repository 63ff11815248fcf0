// Package browser holds the end-to-end tests that drive a real Chromium against a served site.
//
// The tests build the example reports of this repository, serve them on the
// loopback interface and load every kind of page in headless Chromium
// through the DevTools protocol (github.com/chromedp/chromedp): no console
// errors, no failed or off-site requests, dark mode, the colour-scheme
// toggle, live reload of `hindsight serve`, and axe-core accessibility
// checks. They skip when Chromium or npm is missing, except under CI=true,
// where they fail instead. Run them with
//
//	go test ./browser/
//	go test ./browser/ -run TestScreenshots -screenshots   # rewrite testdata/screenshots
package browser

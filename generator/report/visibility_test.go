package report

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// fmHead is the front matter every privacy case starts with: the case's
// own lines start on line 5 of the file.
const fmHead = "---\ntitle: t\nseverity: P1\nstarted: 2024-03-01 10:00\n"

// at is a diagnostic a case must have: its rule at a file line.
type at struct {
	line int
	rule string
}

// privacyCase is a report whose visibility is decided by malformed or
// unusual input: want is the visibility Parse must give it with the
// default options (whose default visibility is public), incident what
// it must read of security.incident ("" to not check), diags the
// warnings that must explain it.
type privacyCase struct {
	name     string
	src      string
	want     string
	incident string
	diags    []at
}

// fmReport is a report with front matter fmHead plus lines.
func fmReport(lines string) string { return fmHead + lines + "---\nbody\n" }

var privacyCases = []privacyCase{
	// 1. Non-scalar, empty and unknown values.
	{name: "visibility flow list", src: fmReport("visibility: [internal]\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility list of public", src: fmReport("visibility: [public]\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility block list", src: fmReport("visibility:\n  - public\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility flow mapping", src: fmReport("visibility: {a: b}\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility block mapping", src: fmReport("visibility:\n  public: true\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility null", src: fmReport("visibility:\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility tilde", src: fmReport("visibility: ~\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility null tag", src: fmReport("visibility: !!null public\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility empty string", src: fmReport("visibility: \"\"\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility spaces", src: fmReport("visibility: \"   \"\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility unknown", src: fmReport("visibility: secret\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility bool", src: fmReport("visibility: true\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility two words", src: fmReport("visibility: public, internal\n"), want: "internal", diags: []at{{5, "invalid-field"}}},
	{name: "visibility zero-width space", src: fmReport("visibility: pub\u200blic\n"), want: "internal", diags: []at{{5, "invalid-field"}}},

	// 2. Keys in another case are read, with a warning.
	{name: "capitalised key", src: fmReport("Visibility: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "upper-case key", src: fmReport("VISIBILITY: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "quoted key with spaces", src: fmReport("\" Visibility \": internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "capitalised key with a list", src: fmReport("Visibility: [public]\n"), want: "internal", diags: []at{{5, "front-matter"}, {5, "invalid-field"}}},
	{name: "capitalised security key", src: fmReport("Security:\n  incident: true\n"), want: "internal", incident: "true", diags: []at{{5, "front-matter"}}},
	{name: "capitalised incident key", src: fmReport("security:\n  Incident: true\n"), want: "internal", incident: "true", diags: []at{{6, "front-matter"}}},
	{name: "upper-case incident key", src: fmReport("security: {INCIDENT: yes}\n"), want: "internal", incident: "true", diags: []at{{5, "front-matter"}}},

	// 3. Duplicates that disagree.
	{name: "internal then public", src: fmReport("visibility: internal\nvisibility: public\n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "public then internal", src: fmReport("visibility: public\nvisibility: internal\n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "case variants disagree", src: fmReport("Visibility: internal\nvisibility: public\n"), want: "internal", diags: []at{{5, "front-matter"}, {6, "front-matter"}}},
	{name: "public then a list", src: fmReport("visibility: public\nvisibility: [public]\n"), want: "internal", diags: []at{{6, "invalid-field"}, {6, "front-matter"}}},
	{name: "security twice", src: fmReport("security: {incident: true}\nsecurity: {incident: false}\n"), want: "internal", incident: "true", diags: []at{{6, "front-matter"}, {6, "invalid-field"}}},
	{name: "security twice, false first", src: fmReport("security: {incident: false}\nsecurity: {incident: true}\n"), want: "internal", incident: "true", diags: []at{{6, "front-matter"}, {6, "invalid-field"}}},
	{name: "incident twice", src: fmReport("security:\n  incident: true\n  incident: false\n"), want: "internal", incident: "true", diags: []at{{7, "invalid-field"}}},

	// 4. Security answers that cannot be read count as yes.
	{name: "security true", src: fmReport("security: true\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "security yes", src: fmReport("security: yes\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "security text", src: fmReport("security: PII leaked\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "security null", src: fmReport("security:\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "security list", src: fmReport("security: [incident]\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "incident number", src: fmReport("security: {incident: 1}\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "incident zero", src: fmReport("security:\n  incident: 0\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},
	{name: "incident maybe", src: fmReport("security:\n  incident: \"maybe\"\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},
	{name: "incident list", src: fmReport("security:\n  incident: [false]\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},
	{name: "incident mapping", src: fmReport("security:\n  incident: {answer: no}\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},
	{name: "incident empty", src: fmReport("security:\n  incident:\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},
	{name: "incident empty string", src: fmReport("security:\n  incident: \"\"\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},

	// Keys an indentation slip put below the top level.
	{name: "visibility inside impact", src: fmReport("impact:\n  users: 3\n  visibility: internal\n"), want: "internal", diags: []at{{7, "front-matter"}}},
	{name: "visibility inside security", src: fmReport("security:\n  incident: false\n  visibility: internal\n"), want: "internal", incident: "false", diags: []at{{7, "front-matter"}}},
	{name: "security inside impact", src: fmReport("impact:\n  users: 3\n  security:\n    incident: true\n"), want: "internal", diags: []at{{7, "front-matter"}}},
	{name: "visibility in an action item", src: fmReport("action_items:\n  - title: x\n    Visibility: public\n"), want: "internal", diags: []at{{7, "front-matter"}}},
	{name: "visibility in a merged mapping", src: fmReport("defaults: &d\n  visibility: internal\n<<: *d\n"), want: "internal", diags: []at{{6, "front-matter"}}},

	// Front matter that is never closed is read as Markdown.
	{name: "unclosed front matter", src: "---\ntitle: t\nvisibility: internal\n\n# Body\n", want: "internal", diags: []at{{1, "front-matter"}}},

	// A YAML document marker ends what YAML reads of the front matter.
	{name: "document end marker", src: fmReport("...\nvisibility: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "document start with comment", src: fmReport("--- # rest\nvisibility: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "document end after public", src: fmReport("visibility: public\n... \n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "dashes inside a value", src: fmReport("title2: a --- b\n"), want: "public"},
	{name: "indented dots in a block", src: fmReport("summary: |\n  ...\n  --- x\n"), want: "public"},

	// Front matter hindsight does not read.
	{name: "toml front matter", src: "+++\ntitle = 't'\nvisibility = 'internal'\n+++\nbody\n", want: "internal", diags: []at{{1, "front-matter"}}},
	{name: "json front matter", src: "{\n\"visibility\": \"internal\"\n}\nbody\n", want: "internal", diags: []at{{1, "front-matter"}}},
	{name: "comment before front matter", src: "<!-- generated -->\n" + fmReport("visibility: internal\n"), want: "internal", diags: []at{{2, "front-matter"}}},
	{name: "comment in the body", src: "# Title\n<!-- x -->\n", want: "public"},
	{name: "json front matter on one line", src: "{\"title\": \"t\", \"visibility\": \"internal\"}\nbody\n", want: "internal", diags: []at{{1, "front-matter"}}},
	{name: "json front matter opened with a key", src: "{ \"title\": \"t\",\n\"visibility\": \"internal\" }\nbody\n", want: "internal", diags: []at{{1, "front-matter"}}},
	{name: "opening with a comment", src: "--- # meta\nvisibility: internal\n---\nbody\n", want: "internal", diags: []at{{1, "front-matter"}}},
	{name: "four dashes", src: "----\nvisibility: internal\n----\nbody\n", want: "internal", diags: []at{{1, "front-matter"}}},
	{name: "heading before front matter", src: "# Title\n\n---\nvisibility: internal\n---\nbody\n", want: "internal", diags: []at{{3, "front-matter"}}},
	{name: "toml after a comment", src: "<!-- x -->\n+++\nvisibility = 'internal'\n+++\nbody\n", want: "internal", diags: []at{{2, "front-matter"}}},
	{name: "comment, heading, front matter", src: "<!-- x -->\n# Title\n---\nvisibility: internal\n---\nbody\n", want: "internal", diags: []at{{3, "front-matter"}}},
	{name: "link comment before front matter", src: "[//]: # (note)\n---\ntitle: t\nvisibility: internal\n---\nbody\n", want: "internal", diags: []at{{2, "front-matter"}}},
	{name: "draft line before front matter", src: "DRAFT\n\n---\nvisibility: internal\n---\nbody\n", want: "internal", diags: []at{{3, "front-matter"}}},
	{name: "note between breaks", src: "Intro\n\n---\nNote: this is prose\n---\nbody\n", want: "public"},
	{name: "thematic break under the title", src: "# Title\n\n---\n\nSome text.\n\n---\n", want: "public"},
	{name: "template layout opening", src: "# Post-Incident Report\n\n**Complete within 48 hours**\n\n---\n\n## Incident Metadata\n", want: "public"},

	// Keys that look like visibility or security are not ignored.
	{name: "misspelt visibility", src: fmReport("visiblity: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "swapped letters", src: fmReport("visibilty: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "cyrillic i", src: fmReport("vіsibility: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "zero-width space in key", src: fmReport("visi\u200bbility: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "full-width key", src: fmReport("ｖisibility: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "private key", src: fmReport("private: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "confidential key", src: fmReport("Confidential: yes\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "misspelt security", src: fmReport("secuirty: {incident: true}\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "misspelt severity is not security", src: fmReport("severty: P1\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "misspelt incident", src: fmReport("security: {incidnet: true}\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "misspelt incident, false", src: fmReport("security:\n  incidnet: false\n"), want: "internal", incident: "true", diags: []at{{6, "invalid-field"}}},
	{name: "unrelated unknown key", src: fmReport("team: payments\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "flat security.incident", src: fmReport("security.incident: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "snake security_incident", src: fmReport("security_incident: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "camel securityIncident", src: fmReport("securityIncident: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "internal_only", src: fmReport("internal_only: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "do_not_publish", src: fmReport("do_not_publish: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "not_public", src: fmReport("not_public: true\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "is_public false", src: fmReport("is_public: false\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "audience", src: fmReport("audience: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "published false", src: fmReport("published: false\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "roman numeral letters", src: fmReport("vⅰsⅰbⅰlⅰty: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "small capitals", src: fmReport("vɪsɪbɪlɪty: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "mathematical bold", src: fmReport("𝐯𝐢𝐬𝐢𝐛𝐢𝐥𝐢𝐭𝐲: internal\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "published true stays", src: fmReport("published: true\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "published date stays", src: fmReport("published: 2025-10-09\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "is_public yes stays", src: fmReport("is_public: yes\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "viability is a word", src: fmReport("viability: high\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "security_review is not a flag", src: fmReport("security_review: done\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "secrets_rotated is not a flag", src: fmReport("secrets_rotated: true\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "is_security_incident", src: fmReport("is_security_incident: true\n"), want: "internal", incident: "true", diags: []at{{5, "front-matter"}}},
	{name: "data_breach", src: fmReport("data_breach: yes\n"), want: "internal", incident: "true", diags: []at{{5, "front-matter"}}},
	{name: "data_breach false", src: fmReport("data_breach: false\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "incident_type security", src: fmReport("incident_type: security\n"), want: "internal", incident: "true", diags: []at{{5, "front-matter"}}},
	{name: "is_security_incident in security", src: fmReport("security: {incident: false, is_security_incident: true}\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},
	{name: "internal_ticket is not a setting", src: fmReport("internal_ticket: OPS-1234\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "public_postmortem_url is not a setting", src: fmReport("public_postmortem_url: https://example.com\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "access_method is not a setting", src: fmReport("access_method: vpn\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "classification outage", src: fmReport("classification: outage\n"), want: "public", diags: []at{{5, "unknown-field"}}},
	{name: "data_classification confidential", src: fmReport("data_classification: confidential\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "explicit public beside private", src: fmReport("visibility: public\nprivate: true\n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "explicit public beside a misspelling", src: fmReport("visibility: public\nvisiblity: internal\n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "incident ticket in security", src: fmReport("security: {incident: false, incident_ticket: SEC-12}\n"), want: "public", incident: "false", diags: []at{{5, "unknown-field"}}},
	{name: "is_incident in security", src: fmReport("security: {is_incident: true}\n"), want: "internal", incident: "true", diags: []at{{5, "invalid-field"}}},

	// Merge keys and alias keys are followed.
	{name: "merge into security", src: fmReport("base: &b\n  incident: true\nsecurity:\n  <<: *b\n"), want: "internal", incident: "true"},
	{name: "merge list into security", src: fmReport("a: &a {pii: true}\nb: &b {incident: true}\nsecurity: {<<: [*a, *b]}\n"), want: "internal", incident: "true"},
	{name: "merge of visibility at the top", src: fmReport("x: &x {visibility: internal}\n<<: *x\nvisibility: public\n"), want: "internal", diags: []at{{5, "front-matter"}}},
	{name: "alias key to internal", src: fmReport("k: &k visibility\n*k : internal\n"), want: "internal"},

	// What is clean stays as it was.
	{name: "public", src: fmReport("visibility: public\n"), want: "public"},
	{name: "public capitalised value", src: fmReport("visibility: Public \n"), want: "public"},
	{name: "internal", src: fmReport("visibility: internal\n"), want: "internal"},
	{name: "no visibility", src: fmReport(""), want: "public"},
	{name: "front matter public, body says internal", src: fmReport("visibility: public\n") + "Visibility: internal\n", want: "internal", diags: []at{{8, "front-matter"}}},
	{name: "public twice", src: fmReport("visibility: public\nvisibility: public\n"), want: "public", diags: []at{{6, "front-matter"}}},
	{name: "capitalised key public", src: fmReport("Visibility: public\n"), want: "public", diags: []at{{5, "front-matter"}}},
	{name: "incident no", src: fmReport("security: {incident: no}\n"), want: "public", incident: "false"},
	{name: "incident quoted false", src: fmReport("security:\n  incident: \"false\"\n"), want: "public", incident: "false"},
	{name: "security false scalar", src: fmReport("security: false\n"), want: "public", incident: "false", diags: []at{{5, "invalid-field"}}},
	{name: "security incident", src: fmReport("security: {incident: true}\n"), want: "internal", incident: "true"},
	{name: "security without incident", src: fmReport("security: {pii: false}\n"), want: "public", incident: "nil"},
	// A security incident the report explicitly marks public stays
	// public (check reports it): only the default is overridden.
	{name: "explicitly public, malformed security", src: fmReport("visibility: public\nsecurity: true\n"), want: "public", incident: "true", diags: []at{{6, "invalid-field"}}},

	// Template layout: the metadata table and the ☑/☐ answer.
	{name: "template visibility placeholder", src: tplReport("| Visibility | [public/internal] |\n"), want: "internal", diags: []at{{10, "placeholder"}}},
	{name: "template visibility blank", src: tplReport("| Visibility |  |\n"), want: "internal", diags: []at{{10, "invalid-field"}}},
	{name: "template visibility tbd", src: tplReport("| Visibility | TBD |\n"), want: "internal", diags: []at{{10, "invalid-field"}}},
	{name: "template visibility unknown", src: tplReport("| Visibility | Company only |\n"), want: "internal", diags: []at{{10, "invalid-field"}}},
	{name: "template visibility rows disagree", src: tplReport("| Visibility | public |\n| Visibility | internal |\n"), want: "internal", diags: []at{{10, "invalid-field"}}},
	{name: "template visibility rows disagree, internal first", src: tplReport("| Visibility | internal |\n| Visibility | public |\n"), want: "internal", diags: []at{{10, "invalid-field"}}},
	{name: "template both ticked", src: tplReport("\n### Was this a security incident?\n☑ Yes  ☑ No\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template neither ticked", src: tplReport("\n### Was this a security incident?\n☐ Yes  ☐ No\n"), want: "internal", incident: "true", diags: []at{{12, "placeholder"}}},
	{name: "template label before box", src: tplReport("\n### Was this a security incident?\nYes ☑  No ☐\n"), want: "internal", incident: "true"},
	{name: "template label and colon before box", src: tplReport("\n### Was this a security incident?\nYes: [x] No: [ ]\n"), want: "internal", incident: "true"},
	{name: "template label before box, no", src: tplReport("\n### Was this a security incident?\nYes ☐  No ☑\n"), want: "public", incident: "false"},
	{name: "template other language", src: tplReport("\n### Was this a security incident?\n☑ Ja ☐ Nein\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template other language, no boxes ticked", src: tplReport("\n### Was this a security incident?\n☐ Ja ☐ Nein\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template long yes", src: tplReport("\n### Was this a security incident?\nYes, an attacker used a leaked key to read the customer table for two hours on Monday morning.\n"), want: "internal", incident: "true"},
	{name: "template short no", src: tplReport("\n### Was this a security incident?\nNo.\n"), want: "public", incident: "false"},
	{name: "template answer label", src: tplReport("\n### Was this a security incident?\n**Answer:** Yes\n"), want: "internal", incident: "true"},
	{name: "template confirmed", src: tplReport("\n### Was this a security incident?\nConfirmed: yes, customer data was accessed\n"), want: "internal", incident: "true"},
	{name: "template round boxes", src: tplReport("\n### Was this a security incident?\n(x) Yes ( ) No\n"), want: "internal", incident: "true"},
	{name: "template answer on the heading", src: tplReport("\n### Was this a security incident? Yes\n\nText.\n"), want: "internal", incident: "true"},
	{name: "template bold question with answer", src: tplReport("\n**Was this a security incident?** Yes\n"), want: "internal", incident: "true"},
	{name: "template bullet", src: tplReport("\n## Security Considerations\n\n- **Security incident:** Yes\n"), want: "internal", incident: "true"},
	{name: "template table", src: tplReport("\n## Security Considerations\n\n| Question | Answer |\n|---|---|\n| Was this a security incident? | Yes |\n"), want: "internal", incident: "true"},
	{name: "template metadata row", src: tplReport("| Security Incident | Yes |\n"), want: "internal", incident: "true"},
	{name: "template prompt before boxes", src: tplReport("\n### Was this a security incident?\nAnswer (yes/no): ☑ Yes ☐ No\n"), want: "internal", incident: "true"},
	{name: "template yes or no prompt", src: tplReport("\n### Was this a security incident?\nYes or no? ☑ Yes ☐ No\n"), want: "internal", incident: "true"},
	{name: "template plain yes then pii boxes", src: tplReport("\n## Security Considerations\n\n### Was this a security incident?\nYes\n\n### Customer Data Handling\n- PII Accessed: ☐ Yes ☑ No\n"), want: "internal", incident: "true"},
	{name: "template maybe", src: tplReport("\n### Was this a security incident?\nMaybe\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template under investigation", src: tplReport("\n### Was this a security incident?\nUnder investigation\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template not sure", src: tplReport("\n### Was this a security incident?\nNot sure yet\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template no idea", src: tplReport("\n### Was this a security incident?\nNo idea yet\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template tbd", src: tplReport("\n### Was this a security incident?\nTBD\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template task list", src: tplReport("\n### Was this a security incident?\n- [ ] Yes\n- [x] No\n"), want: "public", incident: "false"},
	{name: "template not a security incident", src: tplReport("\n### Was this a security incident?\nNot a security incident.\n"), want: "public", incident: "false"},
	{name: "template no with boxes and a prompt", src: tplReport("\n### Was this a security incident?\nAnswer (yes/no): ☐ Yes ☑ No\n"), want: "public", incident: "false"},
	{name: "template answers disagree", src: tplReport("\n### Was this a security incident?\n☐ Yes ☑ No\n\n- **Security incident:** Yes\n"), want: "internal", incident: "true"},
	{name: "template misspelt visibility row", src: tplReport("| Visiblity | Internal |\n"), want: "internal", diags: []at{{10, "front-matter"}}},
	{name: "template classification row", src: tplReport("| Classification | Internal |\n"), want: "internal", diags: []at{{10, "front-matter"}}},
	{name: "template classification row against a public one", src: tplReport("| Visibility | Public |\n| Classification | Internal |\n"), want: "internal", diags: []at{{11, "front-matter"}}},
	{name: "template unrelated row", src: tplReport("| Team | Payments |\n"), want: "public"},
	{name: "template public status page row", src: tplReport("| Public Status Page | https://status.example.com |\n"), want: "public"},
	{name: "template data classification row", src: tplReport("| Data Classification | Confidential |\n"), want: "internal", diags: []at{{10, "front-matter"}}},
	{name: "template confidential row", src: tplReport("| Confidential | Yes |\n"), want: "internal", diags: []at{{10, "front-matter"}}},
	{name: "template paragraph question", src: tplReport("\n## Security Considerations\n\nWas this a security incident? Yes — an API key leaked.\n"), want: "internal", incident: "true"},
	{name: "template paragraph bold yes", src: tplReport("\n## Security Considerations\n\nWas this a security incident? **Yes**\n"), want: "internal", incident: "true"},
	{name: "template paragraph question, answer below", src: tplReport("\n## Security Considerations\n\nWas this a security incident?\nYes\n"), want: "internal", incident: "true"},
	{name: "template unfortunately yes", src: tplReport("\n### Was this a security incident?\n\nUnfortunately, yes. Credentials were leaked.\n"), want: "internal", incident: "true"},
	{name: "template prose answer", src: tplReport("\n### Was this a security incident?\n\nIt was: an attacker used a leaked API key.\n"), want: "internal", incident: "true", diags: []at{{13, "invalid-field"}}},
	{name: "template metadata checkmark", src: tplReport("| Security Incident | ✅ |\n"), want: "internal", incident: "true"},
	{name: "template metadata box", src: tplReport("| Security incident? | [x] |\n"), want: "internal", incident: "true"},
	{name: "template cybersecurity", src: tplReport("\nWas this a cybersecurity incident? ☑ Yes ☐ No\n"), want: "internal", incident: "true"},
	{name: "template security-related", src: tplReport("\n## Security Review\n\nWas this a security-related incident? ☑ Yes ☐ No\n"), want: "internal", incident: "true"},
	{name: "template incident type checklist", src: tplReport("\n## Incident Type\n\n- [x] Security incident\n- [ ] Availability\n"), want: "internal", incident: "true"},
	{name: "template heading with boxes", src: tplReport("\n### Was this a security incident? ☑ Yes ☐ No\n"), want: "internal", incident: "true"},
	{name: "template struck-out no", src: tplReport("\n### Was this a security incident?\n~~No~~ Yes\n"), want: "internal", incident: "true", diags: []at{{12, "invalid-field"}}},
	{name: "template narrative denial", src: tplReport("\n## Security Considerations\n\n- This was not a security incident, yes we checked\n"), want: "public"},
	{name: "template ruled out", src: tplReport("\n## Notes\n\n- We ruled out a security incident. Yes, logs were reviewed.\n"), want: "public"},
	{name: "template response section", src: tplReport("\n## Security Incident Response\n\nYes, the SIRT was paged to rule out compromise; nothing found.\n\n- [x] Checked access logs\n"), want: "public"},
	{name: "template not at all", src: tplReport("\n### Was this a security incident?\nNot at all, purely operational.\n"), want: "public", incident: "false"},
	{name: "template not applicable", src: tplReport("\n### Was this a security incident?\nNot applicable.\n"), want: "public", incident: "false"},
	{name: "template question in passing", src: tplReport("\n## Notes\n\nWe asked: was this a security incident?\nThe team checked the logs for a day.\n"), want: "public"},
	{name: "template customer visibility row", src: tplReport("| Customer Visibility | High (checkout page down) |\n"), want: "public"},
	{name: "template data classification public", src: tplReport("| Data Classification | Public |\n"), want: "public"},
	{name: "template access row", src: tplReport("| Access | VPN |\n"), want: "public"},
	{name: "template security n/a row", src: tplReport("| Security | N/A |\n"), want: "public"},
	{name: "template tlp red row", src: tplReport("| TLP | Red |\n"), want: "internal", diags: []at{{10, "front-matter"}}},
	{name: "template visibility bullet", src: tplReport("\n## Details\n\n- **Visibility:** Internal\n"), want: "internal", diags: []at{{13, "front-matter"}}},
	{name: "template visibility line", src: tplReport("\nVisibility: internal\n"), want: "internal", diags: []at{{11, "front-matter"}}},
	{name: "template visibility in another table", src: tplReport("\n## Details\n\n| Item | Value |\n|---|---|\n| Visibility | Internal |\n"), want: "internal", diags: []at{{15, "front-matter"}}},
	{name: "template visibility column", src: tplReport("\n## Summary\n\n| Owner | Severity | Visibility |\n|---|---|---|\n| SRE | P1 | **Internal** |\n"), want: "internal", diags: []at{{15, "front-matter"}}},
	{name: "template classification column", src: tplReport("\n| Team | Data Classification |\n|---|---|\n| SRE | Public |\n| Payments | Confidential |\n"), want: "internal", diags: []at{{14, "front-matter"}}},
	{name: "template misspelt visibility column", src: tplReport("\n| Visiblity | Owner |\n|---|---|\n| restricted | SRE |\n"), want: "internal", diags: []at{{13, "front-matter"}}},
	{name: "template visibility column public", src: tplReport("\n| Owner | Visibility |\n|---|---|\n| SRE | Public |\n"), want: "public"},
	{name: "template customer visibility column", src: tplReport("\n| Page | Customer Visibility |\n|---|---|\n| Checkout | High |\n"), want: "public"},
	{name: "template audience column", src: tplReport("\n## Communication\n\n| Channel | Audience |\n|---|---|\n| #incidents | Internal |\n| Status page | Customers |\n"), want: "public"},
	{name: "template setext question", src: tplReport("\nWas this a security incident?\n------------------------------\n\nYes\n"), want: "internal", incident: "true"},
	{name: "template setext section with boxes", src: tplReport("\nSecurity Incident\n=================\n\n- [x] Yes\n- [ ] No\n"), want: "internal", incident: "true"},
	{name: "template setext answered no", src: tplReport("\nWas this a security incident?\n---\nNo\n"), want: "public", incident: "false"},
	{name: "template boxes over a rule", src: tplReport("\n### Was this a security incident?\n☑ Yes ☐ No\n---\n\n## Next\n"), want: "internal", incident: "true"},
	{name: "template yes over a rule", src: tplReport("\n### Was this a security incident?\n\nYes\n---\n"), want: "internal", incident: "true"},
	{name: "template no over a rule", src: tplReport("\n### Was this a security incident?\nNo\n---\n"), want: "public", incident: "false"},
	{name: "template answer in HTML tags", src: tplReport("\n- **Security incident:** <span class=\"red\">Yes</span>\n"), want: "internal", incident: "true"},
	{name: "template answer in details", src: tplReport("\n<details><summary>Security incident?</summary>Yes</details>\n"), want: "internal", incident: "true"},
	{name: "template HTML question and answer", src: tplReport("\n<h3>Was this a security incident?</h3>\n<p>Yes</p>\n"), want: "internal", incident: "true"},
	{name: "template no in HTML tags", src: tplReport("\nSecurity incident: <b>No</b>\n"), want: "public", incident: "false"},
	{name: "template answer in code", src: tplReport("\n### Was this a security incident?\n\n```\nYes\n```\n"), want: "internal", incident: "true"},
	{name: "template no in code", src: tplReport("\n### Was this a security incident?\n\n~~~\nNo\n~~~\n"), want: "public", incident: "false"},
	{name: "template answer after code", src: tplReport("\n### Was this a security incident?\n\n```\n$ grep sshd auth.log\n```\n\nYes, keys were taken.\n"), want: "internal", incident: "true"},
	{name: "template banner", src: tplReport("\n**INTERNAL ONLY – DO NOT DISTRIBUTE**\n"), want: "internal", diags: []at{{11, "front-matter"}}},
	{name: "template confidential heading", src: tplReport("\n# Confidential\n"), want: "internal", diags: []at{{11, "front-matter"}}},
	{name: "template visibility public line", src: tplReport("\nVisibility: public\n"), want: "public"},
	{name: "template internal in prose", src: tplReport("\nThe internal tooling failed; confidential data was not touched.\n"), want: "public"},
	{name: "template public", src: tplReport("| Visibility | **Public** |\n"), want: "public"},
	{name: "template answered no", src: tplReport("\n### Was this a security incident?\n☐ Yes  ☑ No\n"), want: "public", incident: "false"},
	{name: "alias key inside impact", src: fmReport("note: &k visibility\nimpact: {*k : internal}\n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "misspelt key inside impact", src: fmReport("impact:\n  visiblity: internal\n"), want: "internal", diags: []at{{6, "front-matter"}}},
	{name: "front matter public, row internal", src: "---\nvisibility: public\n---\n" + tplReport("| Visibility | Internal |\n"), want: "internal", diags: []at{{13, "front-matter"}}},
	{name: "front matter no, template yes", src: "---\nsecurity: {incident: false}\n---\n" + tplReport("\n### Was this a security incident?\n☑ Yes ☐ No\n"), want: "internal", incident: "true", diags: []at{{15, "invalid-field"}}},
	{name: "front matter no, template unticked", src: "---\nsecurity: {incident: false}\n---\n" + tplReport("\n### Was this a security incident?\n☐ Yes ☐ No\n"), want: "public", incident: "false"},
	// Front matter wins over the template, malformed or not.
	{name: "mixed: malformed front matter", src: "---\nvisibility: [internal]\n---\n" + tplReport("| Visibility | public |\n"), want: "internal", diags: []at{{2, "invalid-field"}}},
}

// tplReport is a template-layout report whose metadata table ends at
// line 9 with rows, then rest.
func tplReport(rest string) string {
	return "# T\n\n## Incident Metadata\n\n| Field | Value |\n|---|---|\n| Incident ID | INC-2024-03-01-001 |\n| Severity | P1 |\n| Start Time | 2024-03-01 10:00 |\n" + rest
}

const privacyPath = "docs/incident-reports/2024/INC-2024-03-01-001.md"

func TestPrivacyFailsClosed(t *testing.T) {
	for _, c := range privacyCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse(privacyPath, []byte(c.src), opts())
			if err != nil {
				t.Fatal(err)
			}
			if r.Visibility != c.want {
				t.Errorf("visibility %q, want %q\n%s", r.Visibility, c.want, diagList(r))
			}
			if c.incident != "" && boolp(r.Security.Incident) != c.incident {
				t.Errorf("security.incident %s, want %s", boolp(r.Security.Incident), c.incident)
			}
			for _, d := range c.diags {
				if !hasDiag(r, d.line, d.rule) {
					t.Errorf("no %s warning at line %d\n%s", d.rule, d.line, diagList(r))
				}
			}
			if c.want == "internal" && !strings.Contains(c.name, "internal") && c.incident == "" && len(c.diags) == 0 {
				t.Error("an internal case without a diagnostic to explain it")
			}
			for _, d := range r.Diagnostics {
				if d.Severity != "warning" {
					t.Errorf("%+v is not a warning", d)
				}
			}
		})
	}
}

// TestPrivacyWarningsSayWhy checks that the warnings that made a report
// internal say so, so a user knows why it is missing from a public build.
func TestPrivacyWarningsSayWhy(t *testing.T) {
	for _, c := range privacyCases {
		if c.want != "internal" || len(c.diags) == 0 || strings.HasPrefix(c.name, "capitalised") || strings.HasPrefix(c.name, "upper-case") || strings.HasPrefix(c.name, "quoted key") {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse(privacyPath, []byte(c.src), opts())
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range r.Diagnostics {
				if strings.Contains(d.Message, "internal") || strings.Contains(d.Message, "security incident") {
					return
				}
			}
			t.Errorf("no warning says the report is internal or a security incident\n%s", diagList(r))
		})
	}
}

// TestPrivacyInternalDefault checks that with internal as the default
// nothing malformed turns a report public.
func TestPrivacyInternalDefault(t *testing.T) {
	o := opts()
	o.DefaultVisibility = "internal"
	for _, c := range privacyCases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse(privacyPath, []byte(c.src), o)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "internal" && r.Visibility != "internal" {
				t.Errorf("visibility %q", r.Visibility)
			}
		})
	}
}

// TestImportKeepsPrivacyProblems checks that import does not turn a
// Visibility row or a security answer that fails closed into a clean
// front-matter value: the problem stays in the body, reported, and the
// imported file reads as internal too.
func TestImportKeepsPrivacyProblems(t *testing.T) {
	for _, c := range []struct{ name, rest, keep string }{
		{"visibility placeholder", "| Visibility | [public/internal] |\n", "| Visibility | [public/internal] |"},
		{"visibility rows disagree", "| Visibility | public |\n| Visibility | internal |\n", "| Visibility | public |"},
		{"both ticked", "\n### Was this a security incident?\n☑ Yes  ☑ No\n", "☑ Yes  ☑ No"},
		{"neither ticked", "\n### Was this a security incident?\n☐ Yes  ☐ No\n", "☐ Yes  ☐ No"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Import(privacyPath, []byte(tplReport(c.rest)), opts())
			if err != nil {
				t.Fatal(err)
			}
			out := string(res.Output)
			if !strings.Contains(out, c.keep) {
				t.Errorf("import removed %q:\n%s", c.keep, out)
			}
			if strings.Contains(out, "visibility:") || strings.Contains(out, "incident:") {
				t.Errorf("import wrote the guess to front matter:\n%s", out)
			}
			r, err := Parse(privacyPath, res.Output, opts())
			if err != nil {
				t.Fatal(err)
			}
			if r.Visibility != "internal" || len(r.Diagnostics) == 0 {
				t.Errorf("imported file reads as %q\n%s", r.Visibility, diagList(r))
			}
		})
	}
}

func diagList(r *Report) string {
	var b strings.Builder
	for _, d := range r.Diagnostics {
		fmt.Fprintf(&b, "  %d %s %s: %s\n", d.Line, d.Severity, d.Rule, d.Message)
	}
	return b.String()
}

// TestLettersApart: the letter-count bound never exceeds the edit
// distance, so misspelt skips no key that is near enough.
func TestLettersApart(t *testing.T) {
	words := []string{"", "visibility", "visiblity", "vsibility", "security", "secuirty", "severity", "priority", "status", "Visibility", "VISIBILITY",
		"viability", "sécurité", "incident", "incidnet", "is_incident", "x1-y2", strings.Repeat("a", 64), strings.Repeat("a", 65)}
	for _, a := range words {
		for _, b := range words {
			if l, d := lettersApart(a, b), distance(a, b); l > d {
				t.Errorf("lettersApart(%q, %q) = %d, over the distance %d", a, b, l, d)
			}
		}
	}
	// and on many random short strings of a small alphabet, where
	// edits of every kind meet
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = "abcAB_é"[r.IntN(7)]
		}
		return string(b)
	}
	for range 100000 {
		a, b := word(), word()
		if l, d := lettersApart(a, b), distance(a, b); l > d {
			t.Fatalf("lettersApart(%q, %q) = %d, over the distance %d", a, b, l, d)
		}
	}
}

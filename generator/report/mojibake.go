package report

import (
	"strings"
	"unicode/utf8"
)

// macRoman is the Mac OS Roman reading of bytes 0x80–0xFF. Emoji saved as
// UTF-8 and read back as Mac Roman turn into runs of these characters
// ("📋" becomes "\uf8ffüìã"); the seed template users copy carries them.
const macRoman = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u00a0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uf8ffÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ"

var macByte = func() map[rune]byte {
	m := make(map[rune]byte, 128)
	i := 0
	for _, r := range macRoman {
		m[r] = byte(0x80 + i)
		i++
	}
	return m
}()

// Demojibake repairs emoji and symbols that were UTF-8, mis-read as Mac
// Roman and saved again. Only runs that turn back into valid UTF-8 of
// three or more bytes (symbols and emoji, never accented letters) are
// replaced, so ordinary text such as "Café" or "Zürich" is left alone.
func Demojibake(s string) string {
	if !strings.ContainsAny(s, "\uf8ffü‚Ô√¬") {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if _, ok := macByte[rs[i]]; !ok {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		var raw []byte
		for j < len(rs) {
			c, ok := macByte[rs[j]]
			if !ok {
				break
			}
			raw = append(raw, c)
			j++
		}
		b.WriteString(repair(raw, rs[i:j]))
		i = j
	}
	return b.String()
}

// repair decodes raw as UTF-8 sequence by sequence, keeping each original
// rune that does not start a repairable character. A variation
// selector (3 bytes) after a repaired symbol is kept with it.
func repair(raw []byte, orig []rune) string {
	var b strings.Builder
	k := 0 // index into raw and orig alike: one rune per byte
	for k < len(raw) {
		r, n := utf8.DecodeRune(raw[k:])
		// Two-byte sequences are repaired only from ¬ and √ (bytes C2
		// and C3: Latin-1 symbols such as × and °), which real text does
		// not put before an accented letter.
		if r != utf8.RuneError && (n >= 3 || (n == 2 && raw[k] <= 0xC3)) {
			b.WriteRune(r)
			k += n
			continue
		}
		b.WriteRune(orig[k])
		k++
	}
	return b.String()
}

package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-docs/hindsight/generator/metrics"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// The functions below draw the metrics page's standard charts from a
// metrics.Summary, with fixed ids (one of each per page) and a
// description that states the chart's message in words. A nil Summary
// draws "No data".

// IncidentsByMonth stacks each month's incidents by severity.
func IncidentsByMonth(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	c := BarChart{ID: "chart-incidents-month", Title: "Incidents per month by severity", Unit: "incidents"}
	c.Labels = make([]string, len(s.Months))
	total, most, mostAt := 0, 0, ""
	for i, m := range s.Months {
		c.Labels[i] = m.Month
		total += m.Total
		if m.Total > most {
			most, mostAt = m.Total, m.Month
		}
	}
	for j, sev := range s.Severities {
		vs := make([]float64, len(s.Months))
		for i, m := range s.Months {
			if j < len(m.Counts) {
				vs[i] = float64(m.Counts[j])
			}
		}
		c.Series = append(c.Series, Series{Name: sev, Class: "sev-" + cssIdent(sev), Values: vs})
	}
	if len(s.Months) > 0 {
		c.Desc = "Incidents per month from " + s.Months[0].Month + " to " + s.Months[len(s.Months)-1].Month +
			", stacked by severity (" + strings.Join(s.Severities, ", ") + "): " + plural(total, "incident") + " in all"
		if most > 0 {
			c.Desc += "; the most in one month was " + strconv.Itoa(most) + ", in " + mostAt
		}
		c.Desc += "."
	}
	return StackedBars(c)
}

// TimeToDetect draws the median and 90th percentile of time to detect per
// quarter.
func TimeToDetect(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	return durations(s, "chart-ttd", "Time to detect per quarter", "from start to detection", s.TTD,
		func(q metrics.QuarterStats) metrics.Stat { return q.TTD })
}

// TimeToResolve draws the median and 90th percentile of time to resolve
// per quarter.
func TimeToResolve(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	return durations(s, "chart-ttr", "Time to resolve per quarter", "from start to resolution", s.TTR,
		func(q metrics.QuarterStats) metrics.Stat { return q.TTR })
}

func durations(s *metrics.Summary, id, title, what string, all metrics.Stat, get func(metrics.QuarterStats) metrics.Stat) template.HTML {
	top := 0.0
	for _, q := range s.Quarters {
		if st := get(q); st.Valid {
			top = max(top, st.P90)
		}
	}
	// Pick the unit the largest value reads best in, so the axis shows
	// round hours rather than 1,440 minutes.
	unit, per := "minutes", 1.0
	switch {
	case top >= 2*24*60:
		unit, per = "days", 24*60
	case top >= 120:
		unit, per = "hours", 60
	}
	c := LineChart{ID: id, Title: title, Unit: unit, Labels: quarterLabels(s)}
	med := Series{Name: "Median", Class: "series-0", Values: make([]float64, len(s.Quarters))}
	p90 := Series{Name: "90th percentile", Class: "series-1", Values: make([]float64, len(s.Quarters))}
	for i, q := range s.Quarters {
		med.Values[i], p90.Values[i] = math.NaN(), math.NaN()
		if st := get(q); st.Valid {
			med.Values[i], p90.Values[i] = st.Median/per, st.P90/per
		}
	}
	c.Series = []Series{med, p90}
	if len(s.Quarters) > 0 && all.Valid {
		c.Desc = "Median and 90th-percentile time " + what + " per quarter from " + span(s) + ", in " + unit +
			"; quarters without a known time are left blank. Over all " + plural(all.N, "incident") +
			" the median is " + minutes(all.Median) + " and the 90th percentile " + minutes(all.P90) + "."
	}
	return Lines(c)
}

// ReportTimeliness draws the share of reports filed within the deadline
// per quarter of their incident.
func ReportTimeliness(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	c := PercentChart{ID: "chart-timeliness", Title: "Reports filed on time per quarter", Labels: quarterLabels(s)}
	sr := Series{Name: "Filed on time", Class: "series-0", Values: make([]float64, len(s.Quarters))}
	onTime, known := 0, 0
	for i, q := range s.Quarters {
		sr.Values[i] = rateValue(q.Reports)
		onTime += q.Reports.Num
		known += q.Reports.Den
	}
	c.Series = []Series{sr}
	if known > 0 {
		c.Desc = "Share of reports first committed within " + value(s.DeadlineHours) + " hours of resolution, per quarter of the incident, from " +
			span(s) + ": " + strconv.Itoa(onTime) + " of " + strconv.Itoa(known) + " (" + pct(float64(onTime)/float64(known)) + ") in all."
	}
	return Percent(c)
}

// ActionRates draws the action-item completion rate and on-time closure
// rate per quarter of the incident the items came from.
func ActionRates(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	c := PercentChart{ID: "chart-actions", Title: "Action items completed and closed on time per quarter", Labels: quarterLabels(s)}
	done := Series{Name: "Completed", Class: "series-0", Values: make([]float64, len(s.Quarters))}
	onTime := Series{Name: "Closed by due date", Class: "series-1", Values: make([]float64, len(s.Quarters))}
	var all metrics.ActionStats
	for i, q := range s.Quarters {
		done.Values[i] = rateValue(q.Actions.Completion)
		onTime.Values[i] = rateValue(q.Actions.ClosedOnTime)
		all.Total += q.Actions.Total
		all.Done += q.Actions.Done
		all.WontDo += q.Actions.WontDo
	}
	c.Series = []Series{done, onTime}
	if all.Total > 0 {
		c.Desc = "Per quarter of the incident, from " + span(s) + ": the share of action items done (items dropped as won't do left out) and the share of closed items closed by their due date. " +
			strconv.Itoa(all.Done) + " of " + plural(all.Total-all.WontDo, "item") + " done in all"
		if s.OnTimeClosure.Valid {
			c.Desc += "; " + pct(s.OnTimeClosure.Value) + " of closed items closed on time"
		}
		c.Desc += "."
	}
	return Percent(c)
}

// TopServicesByCount ranks the services by how many incidents name them.
func TopServicesByCount(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	c := HBarChart{ID: "chart-services-count", Title: "Top services by number of incidents", Class: "series-0"}
	var names []string
	for _, st := range s.TopServicesByCount {
		c.Bars = append(c.Bars, HBar{Label: st.Service, Value: float64(st.Incidents), Text: strconv.Itoa(st.Incidents)})
		names = append(names, st.Service+" ("+strconv.Itoa(st.Incidents)+")")
	}
	if len(names) > 0 {
		c.Desc = "The " + plural(len(names), "service") + " named by the most incidents: " + strings.Join(names, ", ") + "."
	}
	return HBars(c)
}

// TopServicesByDuration ranks the services by the total time to resolve
// of their incidents.
func TopServicesByDuration(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	c := HBarChart{ID: "chart-services-duration", Title: "Top services by total time to resolve", Class: "series-1"}
	var names []string
	for _, st := range s.TopServicesByDuration {
		d := minutes(st.Minutes)
		c.Bars = append(c.Bars, HBar{Label: st.Service, Value: st.Minutes, Text: d})
		names = append(names, st.Service+" ("+d+")")
	}
	if len(names) > 0 {
		c.Desc = "The " + plural(len(names), "service") + " with the longest total time to resolve over their incidents: " + strings.Join(names, ", ") + "."
	}
	return HBars(c)
}

// UsersAffected draws the users affected per quarter, summed over the
// incidents that state a number.
func UsersAffected(s *metrics.Summary) template.HTML {
	s = orEmpty(s)
	c := BarChart{ID: "chart-users", Title: "Users affected per quarter", Unit: "users", Labels: quarterLabels(s)}
	vs := make([]float64, len(s.Quarters))
	total, reported := 0, 0
	for i, q := range s.Quarters {
		vs[i] = float64(q.Users)
		total += q.Users
		reported += q.UsersReported
	}
	if reported == 0 {
		return empty(c.ID, c.Title, "No incident states the users affected.")
	}
	c.Series = []Series{{Name: "", Class: "series-0", Values: vs}}
	c.Desc = "Users affected per quarter from " + span(s) + ", summed over the " + plural(reported, "incident") +
		" that state it: " + value(float64(total)) + " in all."
	return StackedBars(c)
}

// Revenue draws the revenue impact per quarter, in currency, summed over
// the incidents that state it.
func Revenue(s *metrics.Summary, currency string) template.HTML {
	s = orEmpty(s)
	c := BarChart{ID: "chart-revenue", Title: "Revenue impact per quarter", Unit: currency, Labels: quarterLabels(s)}
	vs := make([]float64, len(s.Quarters))
	total, reported := 0.0, 0
	for i, q := range s.Quarters {
		vs[i] = q.Revenue
		total += q.Revenue
		reported += q.RevenueReported
	}
	if reported == 0 {
		return empty(c.ID, c.Title, "No incident states its revenue impact.")
	}
	c.Series = []Series{{Name: "", Class: "series-0", Values: vs}}
	c.Desc = "Revenue impact per quarter from " + span(s) + ", summed over the " + plural(reported, "incident") +
		" that state it: " + strings.TrimSpace(value(total)+" "+currency) + " in all."
	return StackedBars(c)
}

func orEmpty(s *metrics.Summary) *metrics.Summary {
	if s == nil {
		return &metrics.Summary{}
	}
	return s
}

func quarterLabels(s *metrics.Summary) []string {
	out := make([]string, len(s.Quarters))
	for i, q := range s.Quarters {
		out[i] = q.Quarter
	}
	return out
}

// span is "2024-Q1 to 2025-Q4" for the summary's quarters.
func span(s *metrics.Summary) string {
	if len(s.Quarters) == 0 {
		return ""
	}
	return s.Quarters[0].Quarter + " to " + s.Quarters[len(s.Quarters)-1].Quarter
}

func rateValue(r metrics.Rate) float64 {
	if !r.Valid {
		return math.NaN()
	}
	return r.Value
}

func minutes(m float64) string {
	return report.FormatDuration(time.Duration(math.Round(m)) * time.Minute)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return value(float64(n)) + " " + word + "s"
}

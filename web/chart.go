package web

import "duban/store"

// chart is a horizontal stacked bar chart of red, yellow and green items by
// unit, drawn as SVG by the template: no script, no external file.
type chart struct {
	Width, Height int
	Bars          []chartBar
}

type chartBar struct {
	Unit             string
	Y                int
	Red, Yellow, Grn segment
}

type segment struct{ X, W, N int }

const (
	chartLabel = 180
	chartBarW  = 360
	chartRow   = 28
)

func unitChart(units []store.UnitLights) chart {
	max := 1
	for _, u := range units {
		if n := u.Red + u.Yellow + u.Green; n > max {
			max = n
		}
	}
	c := chart{Width: chartLabel + chartBarW + 40, Height: len(units)*chartRow + 10}
	for i, u := range units {
		scale := func(n int) int { return n * chartBarW / max }
		b := chartBar{Unit: u.Unit, Y: 5 + i*chartRow}
		x := chartLabel
		b.Red = segment{x, scale(u.Red), u.Red}
		x += b.Red.W
		b.Yellow = segment{x, scale(u.Yellow), u.Yellow}
		x += b.Yellow.W
		b.Grn = segment{x, scale(u.Green), u.Green}
		c.Bars = append(c.Bars, b)
	}
	return c
}

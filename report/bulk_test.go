package report

import "strings"

// longName is a unit name of 60 characters.
var longName = string([]rune(strings.Repeat("景德镇市国家陶瓷文化传承创新试验区管理委员会办公室", 3))[:60])

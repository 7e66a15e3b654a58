import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import NAC

@Suite struct SVGLinePlotTests {
    /// Collects element names and text while parsing.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var attributes: [[String: String]] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            elements.append(name)
            self.attributes.append(attributes)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    @Test func wellFormedXMLWithEscapedText() throws {
        var plot = SVGLinePlot(title: "returns <npg> & \"friends\"", xLabel: "steps", yLabel: "return")
        plot.add(.init(name: "episode return", points: [(0, 10), (100, 50), (200, .nan), (300, 480)], color: "#9ecae1"))
        plot.add(.init(name: "mean", points: [(0, 10), (300, 200)], dashed: true))
        plot.referenceLines = [(475, "target 475")]
        let svg = plot.svgText()
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.elements.first == "svg")
        #expect(collector.attributes.first?["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(collector.elements.filter { $0 == "polyline" }.count == 2)
        #expect(collector.text.contains("returns <npg> & \"friends\""))
        #expect(collector.text.contains("target 475"))
        // The NaN point is skipped: 3 points in the first polyline.
        let first = collector.attributes[collector.elements.firstIndex(of: "polyline")!]["points"]!
        #expect(first.split(separator: " ").count == 3)
        // The second series takes the palette's second colour and is dashed.
        let second = collector.attributes[collector.elements.lastIndex(of: "polyline")!]
        #expect(second["stroke"] == SVGLinePlot.palette[1] && second["stroke-dasharray"] == "6 4")
    }

    @Test func emptyPlotAndLearningCurvePlotParse() {
        for svg in [SVGLinePlot(title: "empty", xLabel: "x", yLabel: "y").svgText(),
                    LearningCurve().svgPlot(title: "curve", target: 475).svgText()] {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse())
        }
    }

    @Test func niceTicks() {
        #expect(SVGLinePlot.ticks(from: 0, to: 500) == [0, 100, 200, 300, 400, 500])
        let small = SVGLinePlot.ticks(from: 0.3, to: 1.1)
        #expect(small.count >= 4 && small.first! >= 0.3 - 1e-12 && small.last! <= 1.1 + 1e-12)
    }
}

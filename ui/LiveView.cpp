// SPDX-License-Identifier: GPL-3.0-or-later
#include "LiveView.h"

#include "JobController.h"
#include "ResultTableModel.h"
#include "live/MinMaxThinner.h"

#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPainter>
#include <QSvgGenerator>
#include <QValueAxis>

#include <cmath>

namespace fastmap {

namespace {
constexpr int kHistogramBins = 40;

void fitAxes(QChart *chart, double xMax, double yMax)
{
    const auto axes = chart->axes();
    for (QAbstractAxis *axis : axes) {
        auto *value = qobject_cast<QValueAxis *>(axis);
        if (!value)
            continue;
        const double top = axis->orientation() == Qt::Horizontal ? xMax : yMax;
        value->setRange(0, top > 0 ? top : 1.0);
        value->applyNiceNumbers();
        // Seconds: a job of a few seconds needs tenths, or its ticks read 0, 0, 1, 1.
        if (axis->orientation() == Qt::Horizontal)
            value->setLabelFormat(value->max() < 5 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    }
}

void setYFormat(QChart *chart, const QString &format)
{
    const auto axes = chart->axes(Qt::Vertical);
    for (QAbstractAxis *axis : axes) {
        if (auto *value = qobject_cast<QValueAxis *>(axis))
            value->setLabelFormat(format);
    }
}

QLineSeries *newSeries(QChart *chart, const QString &name)
{
    auto *series = new QLineSeries(chart);
    series->setName(name);
    chart->addSeries(series);
    const auto axes = chart->axes();
    for (QAbstractAxis *axis : axes)
        series->attachAxis(axis);
    return series;
}
} // namespace

LiveView::LiveView(JobController *controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_column(new QComboBox(this)), m_eta(new QLabel(this)),
      m_plots(new QWidget(this))
{
    auto *grid = new QGridLayout(m_plots);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(addChart(tr("Throughput (elements/s)"), &m_throughputChart), 0, 0);
    setYFormat(m_throughputChart, QStringLiteral("%.0f"));
    grid->addWidget(addChart(tr("Progress (elements)"), &m_progressChart), 0, 1);
    setYFormat(m_progressChart, QStringLiteral("%.0f"));
    grid->addWidget(addChart(tr("Cost (USD)"), &m_costChart), 1, 0);
    setYFormat(m_costChart, QStringLiteral("%.3g"));
    grid->addWidget(addChart(tr("Results histogram"), &m_histogramChart), 1, 1);
    for (QAbstractAxis *axis : m_histogramChart->axes(Qt::Horizontal))
        static_cast<QValueAxis *>(axis)->setLabelFormat(QStringLiteral("%.4g"));
    m_progress = newSeries(m_progressChart, tr("done"));
    m_cost = newSeries(m_costChart, tr("so far"));
    m_estimate = newSeries(m_costChart, tr("estimate"));
    m_estimate->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    m_histogram = newSeries(m_histogramChart, tr("count"));
    m_histogramChart->legend()->hide();
    m_progressChart->legend()->hide();

    m_column->setObjectName(QStringLiteral("histogramColumn"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_eta, 1);
    top->addWidget(new QLabel(tr("Histogram of"), this));
    top->addWidget(m_column);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_plots, 1);

    connect(m_column, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_controller->live().setHistogramColumn(index < 0 ? -1 : m_column->itemData(index).toInt(),
                                                *m_controller->results());
        m_histogramChart->setTitle(tr("Results histogram: %1").arg(m_column->currentText()));
        markDirty();
    });
    connect(controller, &JobController::liveDataChanged, this, &LiveView::markDirty);
    m_frame.setInterval(kFrameMs);
    connect(&m_frame, &QTimer::timeout, this, [this] {
        if (m_dirty && isVisible())
            redraw();
    });
    m_frame.start();
}

QChartView *LiveView::addChart(const QString &title, QChart **chart)
{
    *chart = new QChart;
    (*chart)->setTitle(title);
    (*chart)->setAnimationOptions(QChart::NoAnimation);
    (*chart)->setMargins(QMargins(4, 4, 4, 4));
    auto *x = new QValueAxis(*chart);
    auto *y = new QValueAxis(*chart);
    x->setLabelFormat(QStringLiteral("%.0f"));
    y->setLabelFormat(QStringLiteral("%.0f"));
    x->setTickCount(5);
    y->setTickCount(5);
    (*chart)->addAxis(x, Qt::AlignBottom);
    (*chart)->addAxis(y, Qt::AlignLeft);
    auto *view = new QChartView(*chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 180);
    static const char *const names[] = {"throughput", "progress", "cost", "results"};
    m_views.append({QLatin1String(names[qMin(int(m_views.size()), 3)]), view});
    return view;
}

void LiveView::setOutputColumns(const QList<ColumnSpec> &outputs)
{
    const QSignalBlocker block(m_column);
    m_column->clear();
    for (int c = 0; c < outputs.size(); ++c) {
        const QString &type = outputs.at(c).type;
        if (type == QLatin1String("number") || type == QLatin1String("integer"))
            m_column->addItem(outputs.at(c).name, c);
    }
    m_column->setEnabled(m_column->count() > 0);
    const int column = m_column->count() > 0 ? m_column->itemData(0).toInt() : -1;
    m_controller->live().setHistogramColumn(column, *m_controller->results());
    m_histogramChart->setTitle(column < 0 ? tr("Results histogram: no numeric output")
                                          : tr("Results histogram: %1").arg(m_column->currentText()));
    markDirty();
}

QLineSeries *LiveView::throughputSeries(const QString &executor)
{
    QLineSeries *&series = m_throughput[executor];
    if (!series)
        series = newSeries(m_throughputChart, executor);
    return series;
}

void LiveView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        redraw();
}

void LiveView::clearRedrawStats()
{
    m_redraws = 0;
    m_redrawNs = 0;
}

void LiveView::redraw()
{
    QElapsedTimer timer;
    timer.start();
    m_dirty = false;
    ++m_redraws;
    const int pixels = qMax(50, int(m_progressChart->plotArea().width()));
    drawThroughput(pixels);
    drawProgress(pixels);
    drawCost(pixels);
    drawHistogram();
    m_redrawNs += timer.nsecsElapsed();
}

void LiveView::drawThroughput(int pixels)
{
    const ThroughputBins &bins = m_controller->live().throughput();
    double yMax = 0;
    const int until = qMax(bins.lastSecond(), int(m_controller->live().elapsed()));
    const QStringList executors = bins.executors();
    for (auto it = m_throughput.begin(); it != m_throughput.end(); ++it) {
        if (!executors.contains(it.key()))
            it.value()->clear();
    }
    for (const QString &executor : executors) {
        const QList<QPointF> points = MinMaxThinner::thin(bins.series(executor, until), pixels);
        for (const QPointF &p : points)
            yMax = qMax(yMax, p.y());
        throughputSeries(executor)->replace(points);
    }
    fitAxes(m_throughputChart, qMax(1, until + 1), yMax);
}

void LiveView::drawProgress(int pixels)
{
    const LiveData &live = m_controller->live();
    const QList<QPointF> points = MinMaxThinner::thin(live.progress(), pixels);
    m_progress->replace(points);
    const double done = points.isEmpty() ? 0 : points.last().y();
    const double total = live.total() > 0 ? double(live.total()) : done;
    fitAxes(m_progressChart, qMax(1.0, live.elapsed()), total);
}

void LiveView::drawCost(int pixels)
{
    const LiveData &live = m_controller->live();
    const QList<QPointF> points = MinMaxThinner::thin(live.cost(), pixels);
    m_cost->replace(points);
    const double end = qMax(1.0, live.elapsed());
    m_estimate->replace(QList<QPointF>{{0, live.estimatedCost()}, {end, live.estimatedCost()}});
    const double spent = points.isEmpty() ? 0 : points.last().y();
    fitAxes(m_costChart, end, qMax(qMax(spent, live.estimatedCost()), 0.0001));
}

void LiveView::drawHistogram()
{
    const ValueHistogram &histogram = m_controller->live().histogram();
    const QList<double> bins = histogram.bins(kHistogramBins);
    const double lo = histogram.minimum();
    const double width = (histogram.maximum() - lo) / kHistogramBins;
    QList<QPointF> steps;
    double yMax = 0;
    steps.reserve(2 * bins.size() + 2);
    for (int b = 0; b < bins.size(); ++b) {
        const double x0 = lo + b * width;
        steps.append({x0, bins[b]});
        steps.append({x0 + width, bins[b]});
        yMax = qMax(yMax, bins[b]);
    }
    m_histogram->replace(histogram.count() > 0 ? steps : QList<QPointF>());
    const auto axes = m_histogramChart->axes();
    for (QAbstractAxis *axis : axes) {
        auto *value = qobject_cast<QValueAxis *>(axis);
        if (value && axis->orientation() == Qt::Horizontal)
            value->setRange(lo, width > 0 ? histogram.maximum() : lo + 1);
        else if (value) {
            value->setRange(0, yMax > 0 ? yMax : 1);
            value->applyNiceNumbers();
        }
    }
    const LiveData &live = m_controller->live();
    const double done = live.progress().isEmpty() ? 0 : live.progress().last().y();
    if (live.total() > 0 && done < double(live.total()) && live.elapsed() > 0 && done > 0) {
        const double eta = (double(live.total()) - done) * live.elapsed() / done;
        m_eta->setText(tr("%L1 of %L2 elements, about %3 s left")
                           .arg(qint64(done))
                           .arg(live.total())
                           .arg(eta, 0, 'f', 0));
    } else if (done > 0) {
        m_eta->setText(tr("%L1 elements in %2 s").arg(qint64(done)).arg(live.elapsed(), 0, 'f', 1));
    }
}

bool LiveView::exportTo(const QString &path, QString *error)
{
    redraw();
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(m_plots->size());
        generator.setViewBox(QRect(QPoint(0, 0), m_plots->size()));
        generator.setTitle(tr("Fastmap live view"));
        QPainter painter;
        if (!painter.begin(&generator)) {
            *error = tr("Cannot write %1").arg(path);
            return false;
        }
        m_plots->render(&painter);
        painter.end();
        return true;
    }
    if (!m_plots->grab().save(path)) {
        *error = tr("Cannot write %1").arg(path);
        return false;
    }
    return true;
}

QList<QPair<QString, QByteArray>> LiveView::plotImages(const QSize &size)
{
    redraw();
    auto *grid = qobject_cast<QGridLayout *>(m_plots->layout());
    QList<QPair<QString, QByteArray>> images;
    for (const auto &[name, view] : std::as_const(m_views)) {
        int row = 0, column = 0, rowSpan = 1, columnSpan = 1;
        grid->getItemPosition(grid->indexOf(view), &row, &column, &rowSpan, &columnSpan);
        // Taken out of the grid and laid out alone at the asked size (never shown), so the
        // picture is the same whether the Live tab is on screen, hidden or was never shown.
        grid->removeWidget(view);
        view->setParent(nullptr);
        view->resize(size);
        const QImage image = view->grab().toImage();
        grid->addWidget(view, row, column, rowSpan, columnSpan);
        view->show();
        QByteArray png;
        QBuffer buffer(&png);
        if (!image.isNull() && buffer.open(QIODevice::WriteOnly) && image.save(&buffer, "PNG"))
            images.append({QStringLiteral("plots/%1.png").arg(name), png});
    }
    return images;
}

} // namespace fastmap

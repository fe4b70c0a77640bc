// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plugin/FunctionInfo.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace fastmap {

class JobController;

// The live plots: throughput per executor, progress, cost against the estimate, and a
// histogram of an output column. Redraws are coalesced to one per kFrameMs at most, skipped
// while the view is hidden, and each series is replaced whole from thinned data.
class LiveView : public QWidget
{
    Q_OBJECT
public:
    // At most 10 redraws a second: a redraw of the four charts costs a few milliseconds.
    static constexpr int kFrameMs = 100;

    explicit LiveView(JobController *controller, QWidget *parent = nullptr);

    // The function's outputs; the numeric ones can be shown in the histogram.
    void setOutputColumns(const QList<ColumnSpec> &outputs);
    // Renders the four plots into a PNG or SVG file (by extension).
    bool exportTo(const QString &path, QString *error);
    // Each plot as a PNG of `size`, whether the Live tab was ever shown or not, named for a
    // job bundle: plots/throughput.png, plots/progress.png, plots/cost.png, plots/results.png.
    QList<QPair<QString, QByteArray>> plotImages(const QSize &size = QSize(960, 600));
    int redrawCount() const { return m_redraws; }
    // Time spent redrawing since the last clear, to check the plots stay cheap.
    double redrawSeconds() const { return double(m_redrawNs) * 1e-9; }
    void clearRedrawStats();

public slots:
    void markDirty() { m_dirty = true; }
    void redraw();

protected:
    void showEvent(QShowEvent *event) override;

private:
    QChartView *addChart(const QString &title, QChart **chart);
    QLineSeries *throughputSeries(const QString &executor);
    void drawThroughput(int pixels);
    void drawProgress(int pixels);
    void drawCost(int pixels);
    void drawHistogram();

    JobController *m_controller;
    QTimer m_frame;
    bool m_dirty = false;
    int m_redraws = 0;
    qint64 m_redrawNs = 0;
    QChart *m_throughputChart = nullptr;
    QChart *m_progressChart = nullptr;
    QChart *m_costChart = nullptr;
    QChart *m_histogramChart = nullptr;
    QList<QPair<QString, QChartView *>> m_views;
    QHash<QString, QLineSeries *> m_throughput;
    QLineSeries *m_progress;
    QLineSeries *m_cost;
    QLineSeries *m_estimate;
    QLineSeries *m_histogram;
    QComboBox *m_column;
    QLabel *m_eta;
    QWidget *m_plots;
};

} // namespace fastmap

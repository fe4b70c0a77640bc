// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QGroupBox>

class QLabel;
class QLineEdit;
class QMenu;
class QTableView;

namespace fastmap {

class PreviewModel;

// Where the dataset comes from (a file, a recent file or range:N) and a preview of it.
class DatasetPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit DatasetPanel(QWidget *parent = nullptr);

    // Opens a file or "range:N"; returns false and shows why when it cannot be read.
    bool open(const QString &spec);
    QString spec() const { return m_spec; }
    QStringList columns() const;
    void setRecentFiles(const QStringList &files);
    QString lastError() const { return m_error; }

signals:
    void opened(const QString &spec, const QStringList &columns);
    void openRequested();

private:
    QLineEdit *m_path;
    QMenu *m_recent;
    QTableView *m_table;
    QLabel *m_status;
    PreviewModel *m_preview;
    QString m_spec;
    QString m_error;
};

} // namespace fastmap

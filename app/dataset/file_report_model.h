// The per-file dataset report as a table: one row per file the user dropped.
#pragma once

#include "dataset/dataset_format.h"

#include <QAbstractTableModel>

#include <vector>

namespace pm::app {

class FileReportModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { File, Status, Reason, Duration, Notes, Tokens, PianoShare, Split, ColumnCount };
    // Sorting needs the raw value, not the formatted text (e.g. "1:05" vs "12:00").
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int PathRole = Qt::UserRole + 2;

    explicit FileReportModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Rows arriving while a build runs (one insert per batch); a row for a path already shown
    // is updated in place.
    void upsertRows(const std::vector<pm::dataset::FileReport>& rows);
    // The final word of a finished build or an opened dataset.
    void resetRows(const std::vector<pm::dataset::FileReport>& rows);
    void clear();
    const pm::dataset::FileReport& report(int row) const { return m_rows[size_t(row)]; }

    static QString statusText(pm::dataset::FileStatus status);

private:
    std::vector<pm::dataset::FileReport> m_rows;
};

}  // namespace pm::app

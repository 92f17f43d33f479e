#include "dataset/file_report_model.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>
#include <QHash>

namespace pm::app {

FileReportModel::FileReportModel(QObject* parent) : QAbstractTableModel(parent) {}

int FileReportModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int FileReportModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString FileReportModel::statusText(pm::dataset::FileStatus status) {
    switch (status) {
    case pm::dataset::FileStatus::Ok: return tr("OK");
    case pm::dataset::FileStatus::Repaired: return tr("Repaired");
    case pm::dataset::FileStatus::Rejected: return tr("Rejected");
    case pm::dataset::FileStatus::Duplicate: return tr("Duplicate");
    }
    return {};
}

QVariant FileReportModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const pm::dataset::FileReport& r = m_rows[size_t(index.row())];
    const bool inDataset = r.piece >= 0;
    if (role == PathRole) return QString::fromStdString(r.path);
    if (role == Qt::ToolTipRole) {
        QString tip = QString::fromStdString(r.path);
        for (const auto& w : r.warnings) tip += QLatin1Char('\n') + QString::fromStdString(w);
        return tip;
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        if (r.status == pm::dataset::FileStatus::Rejected) return QBrush(QColor(0xb0, 0x00, 0x20));
        if (r.status == pm::dataset::FileStatus::Repaired) return QBrush(QColor(0x9a, 0x60, 0x00));
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() >= Duration && index.column() <= PianoShare)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && !sort) return {};
    switch (Column(index.column())) {
    case File: return sort ? QVariant(QString::fromStdString(r.path)) : QVariant(QFileInfo(QString::fromStdString(r.path)).fileName());
    case Status: return sort ? QVariant(int(r.status)) : QVariant(statusText(r.status));
    case Reason: return QString::fromStdString(r.reason);
    case Duration: {
        if (sort) return r.durationSeconds;
        const int s = int(r.durationSeconds + 0.5);
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    case Notes: return sort ? QVariant(qulonglong(r.notes)) : QVariant(QString::number(r.notes));
    case Tokens: return sort ? QVariant(qulonglong(r.tokens)) : QVariant(QString::number(r.tokens));
    case PianoShare: return sort ? QVariant(r.pianoShare) : QVariant(QStringLiteral("%1 %").arg(qRound(r.pianoShare * 100)));
    case Split:
        if (!inDataset) return sort ? QVariant(-1) : QVariant(QString());
        return sort ? QVariant(int(r.split))
                    : QVariant(r.split == pm::dataset::Split::Validation ? tr("Validation") : tr("Training"));
    case ColumnCount: break;
    }
    return {};
}

QVariant FileReportModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case File: return tr("File");
    case Status: return tr("Status");
    case Reason: return tr("Reason");
    case Duration: return tr("Duration");
    case Notes: return tr("Notes");
    case Tokens: return tr("Tokens");
    case PianoShare: return tr("Piano");
    case Split: return tr("Split");
    case ColumnCount: break;
    }
    return {};
}

void FileReportModel::upsertRows(const std::vector<pm::dataset::FileReport>& rows) {
    QHash<QString, int> rowOf;
    for (int i = 0; i < int(m_rows.size()); ++i) rowOf.insert(QString::fromStdString(m_rows[size_t(i)].path), i);
    std::vector<pm::dataset::FileReport> fresh;
    for (const auto& r : rows) {
        const auto it = rowOf.constFind(QString::fromStdString(r.path));
        if (it != rowOf.constEnd()) {
            m_rows[size_t(*it)] = r;
            emit dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
        } else {
            fresh.push_back(r);
        }
    }
    if (fresh.empty()) return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
    m_rows.insert(m_rows.end(), fresh.begin(), fresh.end());
    endInsertRows();
}

void FileReportModel::resetRows(const std::vector<pm::dataset::FileReport>& rows) {
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

void FileReportModel::clear() { resetRows({}); }

}  // namespace pm::app

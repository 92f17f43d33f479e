// The title + one-paragraph guide every page starts with.
#pragma once

#include <QString>

class QWidget;

namespace pm::app {
QWidget* makePageHeader(const QString& title, const QString& guide, QWidget* parent);
}

// About PianoMuse: version, what it runs on, and every third-party library with its licence.
#pragma once

#include "worker/engine_types.h"

#include <QDialog>

namespace pm::app {

struct ThirdPartyComponent {
    QString name;
    QString purpose;
    QString licence;
};

class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(const pm::SystemInfo& info, QWidget* parent = nullptr);
    static QList<ThirdPartyComponent> thirdPartyComponents();
};

}  // namespace pm::app

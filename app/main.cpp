// pianomuse: the desktop application.
#include "core/system_info.h"
#include "core/version.h"
#include "main_window.h"
#include "settings/app_settings.h"
#include "translation_loader.h"
#include "worker/engine_controller.h"

#include <QApplication>
#include <QThread>

#include <thread>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QString::fromLatin1(pm::kOrganizationName));
    QCoreApplication::setApplicationName(QStringLiteral("pianomuse"));
    QApplication::setApplicationDisplayName(QStringLiteral("PianoMuse"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(pm::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/pianomuse.svg")));
    QApplication::setDesktopFileName(QStringLiteral("pianomuse"));

    pm::app::AppSettings settings;
    pm::app::installTranslations(&app, settings.language());
    // Leave one core to the GUI thread so the window stays responsive while training.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    pm::configureThreads(int(cores > 2 ? cores - 1 : cores));

    int status = 0;
    {
        // Declared before the window so it outlives it: the window's signals point at the worker.
        pm::app::EngineController engine;
        pm::app::MainWindow window(&engine, &settings);
        window.show();
        status = QApplication::exec();
        engine.shutdown();
    }
    return status;
}

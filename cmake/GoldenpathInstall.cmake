include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GOLDENPATH_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/goldenpath")

install(TARGETS goldenpath_core EXPORT goldenpathTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY lib/include/goldenpath DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${GOLDENPATH_GENERATED_INCLUDE_DIR}/goldenpath/version.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/goldenpath)
install(EXPORT goldenpathTargets NAMESPACE goldenpath:: DESTINATION ${GOLDENPATH_CMAKE_DIR})
# Profiles and traces are data of the core (load_profile), so they are installed with it.
install(DIRECTORY fixtures/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/goldenpath)
# The documentation, laid out as in the repository so its links hold: share/doc/goldenpath.
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs DESTINATION ${CMAKE_INSTALL_DOCDIR})

if(TARGET goldenpath_fixtures)
    install(TARGETS goldenpath_fixtures EXPORT goldenpathFixturesTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    install(DIRECTORY fixtures/include/goldenpath DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    install(EXPORT goldenpathFixturesTargets NAMESPACE goldenpath::
        DESTINATION ${GOLDENPATH_CMAKE_DIR})
endif()

if(TARGET goldenpath-probe)
    install(TARGETS goldenpath-probe goldenpath-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

configure_package_config_file(cmake/goldenpathConfig.cmake.in
    "${PROJECT_BINARY_DIR}/goldenpathConfig.cmake"
    INSTALL_DESTINATION ${GOLDENPATH_CMAKE_DIR}
    PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/goldenpathConfigVersion.cmake"
    COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/goldenpathConfig.cmake"
    "${PROJECT_BINARY_DIR}/goldenpathConfigVersion.cmake"
    DESTINATION ${GOLDENPATH_CMAKE_DIR})
